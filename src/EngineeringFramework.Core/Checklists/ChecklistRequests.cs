using EngineeringFramework.Core.Projects;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Replaces an item's editable state (read it, change it, send it back with the <see cref="Version"/> read).
/// A stale <see cref="Version"/> is refused, so no one overwrites a change they have not seen.
/// <see cref="NotApplicableReason"/> is required for <see cref="ChecklistItemStatus.NotApplicable"/> and
/// cleared for every other status; a null <see cref="EvidenceLinks"/> means none.
/// </summary>
public sealed record UpdateChecklistItemRequest(
    long Version,
    ChecklistItemStatus Status,
    string? NotApplicableReason = null,
    string? Notes = null,
    Guid? AssigneeUserId = null,
    DateOnly? DueDate = null,
    IReadOnlyList<string>? EvidenceLinks = null) : IChecklistItemChange;

/// <summary>One item of a batch update: the item's id plus the same fields as <see cref="UpdateChecklistItemRequest"/>.</summary>
public sealed record ChecklistItemChange(
    Guid ItemId,
    long Version,
    ChecklistItemStatus Status,
    string? NotApplicableReason = null,
    string? Notes = null,
    Guid? AssigneeUserId = null,
    DateOnly? DueDate = null,
    IReadOnlyList<string>? EvidenceLinks = null) : IChecklistItemChange;

/// <summary>Several items of one project, saved all or nothing.</summary>
public sealed record BatchUpdateChecklistItemsRequest(IReadOnlyList<ChecklistItemChange> Items);

public sealed record ChecklistItemView(
    Guid Id,
    string ItemSlug,
    string Name,
    int Order,
    bool Optional,
    string? TemplateSlug,
    ChecklistItemStatus Status,
    string? NotApplicableReason,
    string? Notes,
    Guid? AssigneeUserId,
    DateOnly? DueDate,
    IReadOnlyList<string> EvidenceLinks,
    DateTime UpdatedAt,
    Guid? UpdatedByUserId,
    long Version)
{
    internal static ChecklistItemView Of(ChecklistItem i) => new(
        i.Id, i.ItemSlug, i.Name, i.Order, i.Optional, i.TemplateSlug, i.Status, i.NotApplicableReason, i.Notes, i.AssigneeUserId,
        i.DueDate, [.. i.EvidenceLinks], i.UpdatedAt, i.UpdatedByUserId, i.Version);
}

public sealed record ChecklistSubcategoryView(string Slug, string Name, int Order, IReadOnlyList<ChecklistItemView> Items);

public sealed record ChecklistCategoryView(string Slug, string Name, int Order, IReadOnlyList<ChecklistSubcategoryView> Subcategories);

/// <summary>A project's checklist in framework order: categories, subcategories, items (each by order, then slug).</summary>
public sealed record ProjectChecklist(Guid ProjectId, string ProjectName, ProjectStatus ProjectStatus, Guid? FrameworkVersionId, IReadOnlyList<ChecklistCategoryView> Categories);

public sealed record TemplateReference(string Slug, string Name);

/// <summary>
/// One item with what the framework version it was copied from says about it. <see cref="DefinitionHtml"/> and
/// <see cref="NotesHtml"/> are sanitized HTML, safe to put in a page.
/// </summary>
public sealed record ChecklistItemDetails(
    Guid ProjectId,
    ChecklistItemView Item,
    string CategorySlug,
    string CategoryName,
    string SubcategorySlug,
    string SubcategoryName,
    string? DefinitionMarkdown,
    string DefinitionHtml,
    string NotesHtml,
    TemplateReference? Template);
