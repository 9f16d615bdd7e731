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

    /// <summary>
    /// When a framework upgrade changes the definition of an item a project had finished (Done or Not applicable): false
    /// keeps its status and flags it for review; true sets it back to Not started (notes and evidence kept).
    /// </summary>
    public bool ResetChangedItemsOnUpgrade { get; set; }

    // An organization is its own tenant: the filter compares its id with the current tenant.
    Guid IOrganizationOwned.OrganizationId => Id;

    public List<Membership> Memberships { get; } = [];
}
