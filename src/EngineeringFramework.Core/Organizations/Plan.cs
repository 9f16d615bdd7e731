namespace EngineeringFramework.Core.Organizations;

public enum Plan
{
    Free,
    Pro,
    Enterprise,
}
