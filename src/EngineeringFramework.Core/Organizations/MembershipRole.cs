namespace EngineeringFramework.Core.Organizations;

public enum MembershipRole
{
    Member,
    Admin,
}
