namespace EngineeringFramework.Core.Tenancy;

/// <summary>
/// Marks an entity that belongs to one organization. Every such entity is covered by the tenant
/// query filter in <see cref="Data.AppDbContext"/>, a second line of defence behind the FGA check.
/// </summary>
public interface IOrganizationOwned
{
    Guid OrganizationId { get; }
}
