namespace EngineeringFramework.Core.RoleTemplates;

/// <summary>A permission a role template may grant, and the organization relation that grants it (authorization/model.fga).</summary>
public sealed record Permission(string Name, string Relation, string Description);

/// <summary>
/// The fixed catalog. Only these relations can be granted to a role's assignees; admin-only powers
/// (roles, MCP access, renaming, deleting, GitHub sync) are deliberately absent.
/// </summary>
public static class PermissionCatalog
{
    public static IReadOnlyList<Permission> All { get; } =
    [
        new("create_projects", "can_create_project", "Create projects in any department."),
        new("delete_projects", "can_delete_project", "Delete any project."),
        new("manage_departments", "can_manage_departments", "Create, rename and delete departments."),
        new("manage_members", "can_manage_members", "Invite and remove members (not admins)."),
        new("update_checklists", "can_update_checklist", "Update the checklist of any project."),
        new("update_projects", "can_update_project", "Update any project."),
    ];

    private static readonly Dictionary<string, Permission> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static bool Contains(string? name) => name is not null && ByName.ContainsKey(name);

    /// <summary>The relation for a catalog permission; null for a name outside the catalog.</summary>
    public static string? RelationOf(string name) => ByName.TryGetValue(name, out var permission) ? permission.Relation : null;
}
