using System.ComponentModel;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.FrameworkUpgrades;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

/// <summary>The versions as one object: structured tool results are JSON objects, never bare arrays.</summary>
internal sealed record FrameworkVersionList(IReadOnlyList<FrameworkVersionSummary> Versions);

/// <summary>Framework versions, their differences, and upgrading a project's checklist to the current one.</summary>
[McpServerToolType]
internal sealed class FrameworkUpgradeTools(IHttpContextAccessor http, FrameworkVersionService versions, ProjectUpgradeService upgrades)
{
    [McpServerTool(Name = "list_framework_versions", Title = "List framework versions", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the framework versions the organization can see, newest first: its own (synced from GitHub) and the system's. Each has a number within its scope, its source (builtin, import, edit, github with the commit), counts, whether it is the one new projects copy (isEffective), and how many of the organization's projects are at it.")]
    public Task<FrameworkVersionList> ListFrameworkVersionsAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () => new FrameworkVersionList(await versions.ListAsync(http.ForOrganization(organization_id), organization_id, cancellationToken)));

    [McpServerTool(Name = "compare_framework_versions", Title = "Compare two framework versions", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("What changed from one framework version to another: categories, subcategories, items (matched by slug) and templates added, removed or changed, with the aspects that changed (renamed, moved, reordered, definition, optional, template) and line diffs of changed definitions and templates.")]
    public Task<FrameworkComparison> CompareFrameworkVersionsAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The older version's id, from list_framework_versions (or a project's frameworkVersionId).")] Guid from_version_id,
        [Description("The newer version's id, from list_framework_versions.")] Guid to_version_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => versions.CompareAsync(http.ForOrganization(organization_id), organization_id, from_version_id, to_version_id, cancellationToken));

    [McpServerTool(Name = "preview_project_upgrade", Title = "Preview a project's framework upgrade", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("What upgrading the project's checklist to the organization's current framework version would do, item by item: added (Not started), updated (status, notes and evidence kept), flagged for review (a finished item whose definition changed), reset, retired (kept read-only with its history) or restored. upToDate is true when there is nothing to apply. Changes nothing; pass to.id to apply_project_upgrade.")]
    public Task<ProjectUpgradePreview> PreviewProjectUpgradeAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => upgrades.PreviewAsync(http.ForOrganization(organization_id), organization_id, project_id, cancellationToken));

    [McpServerTool(Name = "apply_project_upgrade", Title = "Apply a project's framework upgrade", ReadOnly = false, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Upgrades the project's checklist to the version shown by preview_project_upgrade, in one transaction, as the preview described. Needs permission to update the project. Refused without change when that version is no longer the organization's current one, the project is already at it or archived, or an item changed meanwhile: preview again. Ask the person you work for before applying: it changes the whole checklist.")]
    public Task<ProjectUpgradeResult> ApplyProjectUpgradeAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        [Description("The version to upgrade to: to.id from preview_project_upgrade.")] Guid to_version_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => upgrades.ApplyAsync(http.ForOrganization(organization_id), organization_id, project_id, new ApplyProjectUpgradeRequest(to_version_id), cancellationToken));
}
