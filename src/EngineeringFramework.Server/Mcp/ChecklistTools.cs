using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngineeringFramework.Core.Checklists;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class ChecklistTools(IHttpContextAccessor http, ChecklistService checklists, ItemReviewService reviews)
{
    /// <remarks>
    /// Returns the <see cref="CallToolResult"/> itself, serialized once: the structured content and its text copy
    /// (for clients without structured content) come from the same JSON, where the SDK's default marshalling of
    /// a returned object serialized the checklist several times per call.
    /// </remarks>
    [McpServerTool(Name = "get_checklist", Title = "Get a project's checklist", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(CompactChecklist))]
    [Description("Returns a project's checklist grouped by category and subcategory in framework order, optionally only the items matching every filter given. Compact by default: each item's id, slug, name, status, whether it is optional, its template slug and its version (needed to update it); retired: true marks an item a framework upgrade removed (read-only, kept for the record) and definitionChangedSinceDone: true one whose definition changed after it was finished (review it, then set its status); stale: true (with staleReason, e.g. ReviewOverdue, and reviewDueOn) marks a Done item whose periodic review (reviewIntervalDays, set by the framework) is overdue, or (staleReason EvidenceChanged) whose evidence file on GitHub changed since it was accepted: it is still Done, check its evidence and call mark_item_reviewed, or update it. Set compact=false to add notes, evidence links, assignee, due date and not-applicable reason.")]
    public Task<CallToolResult> GetChecklistAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        [Description("True (default) for a short listing; false for every field.")] bool compact = true,
        [Description("Only items with this status.")] ChecklistItemStatus? status = null,
        [Description("Only items assigned to this user id (from whoami for yourself).")] Guid? assignee_user_id = null,
        [Description("Only items due before this date (yyyy-mm-dd); items without a due date never match.")] DateOnly? due_before = null,
        [Description("True: only open items (not done, not not-applicable) whose due date has passed; false: every other item.")] bool? overdue = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () =>
        {
            var filter = new ChecklistFilter(status, assignee_user_id, due_before, overdue);
            var checklist = await checklists.GetAsync(http.ForOrganization(organization_id), organization_id, project_id, filter, cancellationToken);
            return StructuredResult(new CompactChecklist(checklist.ProjectId, checklist.ProjectName, [.. checklist.Categories.Select(c => new CompactCategory(
                c.Name,
                [.. c.Subcategories.Select(s => new CompactSubcategory(s.Name, [.. s.Items.Select(i => compact
                    ? new CompactItem(i.Id, i.ItemSlug, i.Name, i.Status, i.Optional, i.TemplateSlug, i.Version)
                    {
                        Retired = Flag(i.Retired),
                        DefinitionChangedSinceDone = Flag(i.DefinitionChangedSinceDone),
                        AwaitingConfirmation = i.AwaitingConfirmation,
                        ReviewIntervalDays = i.ReviewIntervalDays,
                        ReviewDueOn = i.ReviewDueOn,
                        Stale = Flag(i.Stale),
                        StaleReason = i.StaleReason,
                    }
                    : new CompactItem(i.Id, i.ItemSlug, i.Name, i.Status, i.Optional, i.TemplateSlug, i.Version)
                    {
                        ReviewIntervalDays = i.ReviewIntervalDays,
                        ReviewDueOn = i.ReviewDueOn,
                        Stale = Flag(i.Stale),
                        StaleReason = i.StaleReason,
                        Retired = Flag(i.Retired),
                        DefinitionChangedSinceDone = Flag(i.DefinitionChangedSinceDone),
                        AwaitingConfirmation = i.AwaitingConfirmation,
                        NotApplicableReason = i.NotApplicableReason,
                        Notes = i.Notes,
                        AssigneeUserId = i.AssigneeUserId,
                        DueDate = i.DueDate,
                        EvidenceLinks = i.EvidenceLinks,
                        UpdatedAt = i.UpdatedAt,
                    })]))]))]));
        });

    // Written only when true, so the compact listing stays short for the usual item.
    private static bool? Flag(bool value) => value ? true : null;

    private static CallToolResult StructuredResult<T>(T value)
    {
        var json = JsonSerializer.SerializeToElement(value, McpComposition.ToolJson);
        return new CallToolResult { StructuredContent = json, Content = [new TextContentBlock { Text = json.GetRawText() }] };
    }

    [McpServerTool(Name = "get_checklist_item", Title = "Get a checklist item with its definition", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns one checklist item: its status and fields, its definition in markdown (what it means, why it matters, how to complete it, definition of done) and the template it points to, if any (read it with get_template); evidence lists what the last check of each evidence link on GitHub found (state Resolves, Missing, Pending, Failed or NotConnected; for a file the recorded and latest commit, and changed: true when it changed since it was accepted).")]
    public Task<ChecklistItemDetails> GetChecklistItemAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id.")] Guid project_id,
        [Description("The checklist item's id, from get_checklist.")] Guid item_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => checklists.GetItemAsync(http.ForOrganization(organization_id), organization_id, project_id, item_id, cancellationToken));

    [McpServerTool(Name = "update_checklist_item", Title = "Update a checklist item", ReadOnly = false, Idempotent = true, Destructive = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Records progress on a checklist item. Pass the item's current version (from get_checklist or get_checklist_item): if someone changed it since, the update is refused and you should read it again. Only the fields you pass change. Status not_applicable requires a reason. The change is recorded in the item's history as made by the user through this agent. The organization's sign-off policy (whoami lists, per organization, the statuses you may set alone; by default NotStarted and InProgress) decides what you may finish on your own: a status outside it is not applied but waits for a person's confirmation (the result's awaitingConfirmation names it) while your notes and evidence are saved, so pass a rationale with it. Do not retry: read list_sign_off_requests later to see whether a person confirmed it or sent it back, and why.")]
    public Task<ChecklistItemView> UpdateChecklistItemAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id.")] Guid project_id,
        [Description("The checklist item's id.")] Guid item_id,
        [Description("The item's current version, for optimistic concurrency.")][Range(0, long.MaxValue)] long version,
        [Description("New status.")] ChecklistItemStatus? status = null,
        [Description("New notes in markdown (replaces the existing notes).")] string? notes = null,
        [Description("An http(s) link to evidence (a document, a pull request, a dashboard), added to the item's evidence links.")] string? evidence_link = null,
        [Description("Why the item does not apply; required when status is NotApplicable.")] string? not_applicable_reason = null,
        [Description("Why the status is right, in markdown (what you checked, where the evidence is): shown to the person who confirms a status that waits for confirmation.")] string? rationale = null,
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
                links,
                rationale);
            return await checklists.UpdateItemAsync(caller, organization_id, project_id, item_id, request, cancellationToken);
        }, new Dictionary<string, string> { [nameof(UpdateChecklistItemRequest.EvidenceLinks)] = "evidence_link" });

    [McpServerTool(Name = "mark_item_reviewed", Title = "Mark a done checklist item reviewed", ReadOnly = false, Idempotent = false, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Records that a Done item was looked at again and still holds: its periodic review (reviewIntervalDays) starts over and its evidence on GitHub is accepted as it now stands, so it is no longer stale. Nothing else changes (status, notes and evidence stay). Only for Done items; pass the item's current version (refused if someone changed it since). Only mark an item reviewed when you actually checked its evidence; the history records it as done by the user through this agent.")]
    public Task<ChecklistItemView> MarkItemReviewedAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id.")] Guid project_id,
        [Description("The checklist item's id.")] Guid item_id,
        [Description("The item's current version, for optimistic concurrency.")][Range(0, long.MaxValue)] long version,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => reviews.MarkReviewedAsync(http.ForOrganization(organization_id), organization_id, project_id, item_id, new MarkItemReviewedRequest(version), cancellationToken));
}

internal sealed record CompactChecklist(Guid ProjectId, string ProjectName, IReadOnlyList<CompactCategory> Categories);

internal sealed record CompactCategory(string Name, IReadOnlyList<CompactSubcategory> Subcategories);

internal sealed record CompactSubcategory(string Name, IReadOnlyList<CompactItem> Items);

/// <summary>
/// One item; the detail fields are present only when the checklist was read with compact=false, and then only
/// when set. They are optional in the output schema (only the constructor's are required), so leaving them out
/// keeps the compact listing short (a third of the bytes) without breaking clients that validate against it.
/// </summary>
internal sealed record CompactItem(Guid Id, string Slug, string Name, ChecklistItemStatus Status, bool Optional, string? TemplateSlug, long Version)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NotApplicableReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Notes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? AssigneeUserId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DueDate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? EvidenceLinks { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? UpdatedAt { get; init; }

    /// <summary>True when a framework upgrade retired the item: read-only, outside progress.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Retired { get; init; }

    /// <summary>True when an upgrade changed the definition after the item was finished.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DefinitionChangedSinceDone { get; init; }

    /// <summary>How often, in days, the framework asks for the item to be reviewed once Done.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ReviewIntervalDays { get; init; }

    /// <summary>When a Done item with a review interval is due for review.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? ReviewDueOn { get; init; }

    /// <summary>True when the Done item should be looked at again (<see cref="StaleReason"/> says why); it is still Done.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Stale { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StaleReason? StaleReason { get; init; }

    /// <summary>The status an agent asked for that waits for a person's confirmation (the item keeps Status meanwhile).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChecklistItemStatus? AwaitingConfirmation { get; init; }
}
