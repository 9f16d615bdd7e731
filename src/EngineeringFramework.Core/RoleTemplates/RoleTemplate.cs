using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.RoleTemplates;

/// <summary>
/// A named bundle of permissions from the fixed catalog, assigned to members. The permission set is kept
/// as canonical JSON (sorted, no insignificant whitespace) with its SHA-256, so drift between what was
/// saved, what the JSON says and which tuples exist can be detected.
/// </summary>
public sealed class RoleTemplate : IOrganizationOwned, IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string PermissionsJson { get; set; }

    /// <summary>Lowercase hex SHA-256 of <see cref="PermissionsJson"/>'s UTF-8 bytes.</summary>
    public required string PermissionsHash { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public long Version { get; set; } = 1;
}

public sealed class RoleAssignment : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid RoleTemplateId { get; init; }

    public Guid UserId { get; init; }

    public DateTime CreatedAt { get; init; }
}
