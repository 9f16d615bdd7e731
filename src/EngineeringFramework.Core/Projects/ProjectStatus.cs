namespace EngineeringFramework.Core.Projects;

public enum ProjectStatus
{
    Active,
    Completed,
    Archived,
}
