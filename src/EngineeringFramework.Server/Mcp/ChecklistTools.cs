using System.ComponentModel;
using EngineeringFramework.Core.Checklists;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class ChecklistTools(IHttpContextAccessor http, ChecklistService checklists)
{
    [McpServerTool(Name = "get_checklist", Title = "Get a project's checklist", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns a project's checklist grouped by category and subcategory in framework order. Compact by default: each item's id, slug, name, status, whether it is optional, its template slug and its version (needed to update it). Set compact=false to add notes, evidence links, assignee, due date and not-applicable reason.")]
    public Task<CompactChecklist> GetChecklistAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        [Description("True (default) for a short listing; false for every field.")] bool compact = true,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () =>
        {
            var checklist = await checklists.GetAsync(http.ForOrganization(organization_id), organization_id, project_id, cancellationToken);
            return new CompactChecklist(checklist.ProjectId, checklist.ProjectName, [.. checklist.Categories.Select(c => new CompactCategory(
                c.Name,
                [.. c.Subcategories.Select(s => new CompactSubcategory(s.Name, [.. s.Items.Select(i => compact
                    ? new CompactItem(i.Id, i.ItemSlug, i.Name, i.Status, i.Optional, i.TemplateSlug, i.Version)
                    : new CompactItem(i.Id, i.ItemSlug, i.Name, i.Status, i.Optional, i.TemplateSlug, i.Version)
                    {
                        NotApplicableReason = i.NotApplicableReason,
                        Notes = i.Notes,
                        AssigneeUserId = i.AssigneeUserId,
                        DueDate = i.DueDate,
                        EvidenceLinks = i.EvidenceLinks,
                        UpdatedAt = i.UpdatedAt,
                    })]))]))]);
        });

    [McpServerTool(Name = "get_checklist_item", Title = "Get a checklist item with its definition", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns one checklist item: its status and fields, its definition in markdown (what it means, why it matters, how to complete it, definition of done) and the template it points to, if any (read it with get_template).")]
    public Task<ChecklistItemDetails> GetChecklistItemAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id.")] Guid project_id,
        [Description("The checklist item's id, from get_checklist.")] Guid item_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => checklists.GetItemAsync(http.ForOrganization(organization_id), organization_id, project_id, item_id, cancellationToken));

    [McpServerTool(Name = "update_checklist_item", Title = "Update a checklist item", ReadOnly = false, Idempotent = true, Destructive = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Records progress on a checklist item. Pass the item's current version (from get_checklist or get_checklist_item): if someone changed it since, the update is refused and you should read it again. Only the fields you pass change. Status not_applicable requires a reason. The change is recorded in the item's history as made by the user through this agent.")]
    public Task<ChecklistItemView> UpdateChecklistItemAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id.")] Guid project_id,
        [Description("The checklist item's id.")] Guid item_id,
        [Description("The item's current version, for optimistic concurrency.")] long version,
        [Description("New status.")] ChecklistItemStatus? status = null,
        [Description("New notes in markdown (replaces the existing notes).")] string? notes = null,
        [Description("An http(s) link to evidence (a document, a pull request, a dashboard), added to the item's evidence links.")] string? evidence_link = null,
        [Description("Why the item does not apply; required when status is NotApplicable.")] string? not_applicable_reason = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () =>
        {
            var caller = http.ForOrganization(organization_id);
            var current = (await checklists.GetItemAsync(caller, organization_id, project_id, item_id, cancellationToken)).Item;
            var links = evidence_link is null ? current.EvidenceLinks : [.. current.EvidenceLinks, evidence_link];
            var newStatus = status ?? current.Status;
            var request = new UpdateChecklistItemRequest(
                version,
                newStatus,
                newStatus == ChecklistItemStatus.NotApplicable ? not_applicable_reason ?? current.NotApplicableReason : null,
                notes ?? current.Notes,
                current.AssigneeUserId,
                current.DueDate,
                links);
            return await checklists.UpdateItemAsync(caller, organization_id, project_id, item_id, request, cancellationToken);
        });
}

internal sealed record CompactChecklist(Guid ProjectId, string ProjectName, IReadOnlyList<CompactCategory> Categories);

internal sealed record CompactCategory(string Name, IReadOnlyList<CompactSubcategory> Subcategories);

internal sealed record CompactSubcategory(string Name, IReadOnlyList<CompactItem> Items);

/// <summary>One item; the detail fields are present only when the checklist was read with compact=false.</summary>
internal sealed record CompactItem(Guid Id, string Slug, string Name, ChecklistItemStatus Status, bool Optional, string? TemplateSlug, long Version)
{
    public string? NotApplicableReason { get; init; }

    public string? Notes { get; init; }

    public Guid? AssigneeUserId { get; init; }

    public DateOnly? DueDate { get; init; }

    public IReadOnlyList<string>? EvidenceLinks { get; init; }

    public DateTime? UpdatedAt { get; init; }
}
