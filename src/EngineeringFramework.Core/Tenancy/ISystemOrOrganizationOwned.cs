namespace EngineeringFramework.Core.Tenancy;

/// <summary>
/// Content that is either the system's (shared, <see cref="OrganizationId"/> null, e.g. the built-in
/// framework) or one organization's own (e.g. its synced framework). The tenant filter shows a tenant the
/// system's rows and its own, never another organization's.
/// </summary>
public interface ISystemOrOrganizationOwned
{
    Guid? OrganizationId { get; }
}
