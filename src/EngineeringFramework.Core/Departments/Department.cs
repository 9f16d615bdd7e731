using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Departments;

public sealed class Department : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAt { get; init; }
}
