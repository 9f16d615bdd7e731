using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Organizations;

public sealed class Organization : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>Unique, URL-safe short name.</summary>
    public required string Slug { get; set; }

    public Plan Plan { get; set; } = Plan.Free;

    public DateTime CreatedAt { get; init; }

    // An organization is its own tenant: the filter compares its id with the current tenant.
    Guid IOrganizationOwned.OrganizationId => Id;

    public List<Membership> Memberships { get; } = [];
}
