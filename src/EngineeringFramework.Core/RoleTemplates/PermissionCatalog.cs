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

        // The agents' sign-off policy for the role's assignees (SignOff.AgentSignOff): "alone" widens the organization's
        // policy, "confirmed" narrows it and wins over every widening.
        new("agents_set_done_alone", "role_agents_done_alone", "Agents acting for the assignees may set Done without a person's confirmation."),
        new("agents_confirm_done", "role_agents_done_confirmed", "Agents acting for the assignees need a person's confirmation to set Done."),
        new("agents_set_not_applicable_alone", "role_agents_not_applicable_alone", "Agents acting for the assignees may set Not applicable without a person's confirmation."),
        new("agents_confirm_not_applicable", "role_agents_not_applicable_confirmed", "Agents acting for the assignees need a person's confirmation to set Not applicable."),
        new("agents_set_in_progress_alone", "role_agents_in_progress_alone", "Agents acting for the assignees may set In progress without a person's confirmation."),
        new("agents_confirm_in_progress", "role_agents_in_progress_confirmed", "Agents acting for the assignees need a person's confirmation to set In progress."),
        new("agents_set_not_started_alone", "role_agents_not_started_alone", "Agents acting for the assignees may set Not started without a person's confirmation."),
        new("agents_confirm_not_started", "role_agents_not_started_confirmed", "Agents acting for the assignees need a person's confirmation to set Not started."),
    ];

    private static readonly Dictionary<string, Permission> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static bool Contains(string? name) => name is not null && ByName.ContainsKey(name);

    /// <summary>The relation for a catalog permission; null for a name outside the catalog.</summary>
    public static string? RelationOf(string name) => ByName.TryGetValue(name, out var permission) ? permission.Relation : null;
}
