using EngineeringFramework.Core.Projects;
using FluentValidation;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Replaces an item's editable state (read it, change it, send it back with the <see cref="Version"/> read).
/// A stale <see cref="Version"/> is refused, so no one overwrites a change they have not seen.
/// <see cref="NotApplicableReason"/> is required for <see cref="ChecklistItemStatus.NotApplicable"/> and
/// cleared for every other status; a null <see cref="EvidenceLinks"/> means none. When the caller acts through an agent
/// and the organization's sign-off policy asks a person to confirm <see cref="Status"/>, everything else is saved, the
/// item keeps its status, and a request with <see cref="Rationale"/> waits for a person (<c>AwaitingConfirmation</c>).
/// </summary>
public sealed record UpdateChecklistItemRequest(
    long Version,
    ChecklistItemStatus Status,
    string? NotApplicableReason = null,
    string? Notes = null,
    Guid? AssigneeUserId = null,
    DateOnly? DueDate = null,
    IReadOnlyList<string>? EvidenceLinks = null,
    string? Rationale = null) : IChecklistItemChange;

/// <summary>One item of a batch update: the item's id plus the same fields as <see cref="UpdateChecklistItemRequest"/>.</summary>
public sealed record ChecklistItemChange(
    Guid ItemId,
    long Version,
    ChecklistItemStatus Status,
    string? NotApplicableReason = null,
    string? Notes = null,
    Guid? AssigneeUserId = null,
    DateOnly? DueDate = null,
    IReadOnlyList<string>? EvidenceLinks = null,
    string? Rationale = null) : IChecklistItemChange;

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
    long Version,
    DateTime? RetiredAt = null,
    DateTime? DefinitionChangedAt = null,
    ChecklistItemStatus? AwaitingConfirmation = null,
    int? ReviewIntervalDays = null,
    DateTime? CompletedAt = null,
    DateTime? ReviewedAt = null,
    DateOnly? ReviewDueOn = null,
    StaleReason? StaleReason = null,
    DateTime? EvidenceChangedAt = null)
{
    /// <summary>
    /// The item is Done but should be looked at again (<see cref="StaleReason"/> says why; see <see cref="ReviewSchedule"/>).
    /// Its status is unchanged and progress still counts it as done.
    /// </summary>
    public bool Stale => StaleReason is not null;

    /// <summary>Retired by a framework upgrade: no longer in the project's framework, kept read-only with its history, not counted in progress.</summary>
    /// <remarks>Not serialized: <see cref="RetiredAt"/> says the same on the wire.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Retired => RetiredAt is not null;

    /// <summary>A framework upgrade changed the definition while the item was Done or Not applicable: someone should review it. Cleared when its status is next set.</summary>
    /// <remarks>Not serialized: <see cref="DefinitionChangedAt"/> says the same on the wire.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool DefinitionChangedSinceDone => DefinitionChangedAt is not null;

    internal static ChecklistItemView Of(ChecklistItem i, DateTime now)
    {
        var (dueOn, stale) = Review(i.Status, i.ReviewIntervalDays, i.CompletedAt, i.ReviewedAt, i.EvidenceChangedAt, i.RetiredAt, now);
        return new(
            i.Id, i.ItemSlug, i.Name, i.Order, i.Optional, i.TemplateSlug, i.Status, i.NotApplicableReason, i.Notes, i.AssigneeUserId,
            i.DueDate, [.. i.EvidenceLinks], i.UpdatedAt, i.UpdatedByUserId, i.Version, i.RetiredAt, i.DefinitionChangedAt, i.AwaitingStatus,
            i.ReviewIntervalDays, i.CompletedAt, i.ReviewedAt, dueOn, stale, i.EvidenceChangedAt);
    }

    /// <summary>The review's due date and staleness; a retired item is read-only and outside progress, so never stale.</summary>
    internal static (DateOnly? DueOn, StaleReason? Stale) Review(
        ChecklistItemStatus status, int? intervalDays, DateTime? completedAt, DateTime? reviewedAt, DateTime? evidenceChangedAt, DateTime? retiredAt, DateTime now)
    {
        if (retiredAt is not null)
        {
            return (null, null);
        }

        var due = ReviewSchedule.DueAt(status, intervalDays, completedAt, reviewedAt);
        return (due is { } d ? DateOnly.FromDateTime(d) : null, ReviewSchedule.Staleness(status, due, evidenceChangedAt, now));
    }
}

public sealed record ChecklistSubcategoryView(string Slug, string Name, int Order, IReadOnlyList<ChecklistItemView> Items);

public sealed record ChecklistCategoryView(string Slug, string Name, int Order, IReadOnlyList<ChecklistSubcategoryView> Subcategories);

/// <summary>A project's checklist in framework order: categories, subcategories, items (each by order, then slug).</summary>
public sealed record ProjectChecklist(Guid ProjectId, string ProjectName, ProjectStatus ProjectStatus, Guid? FrameworkVersionId, IReadOnlyList<ChecklistCategoryView> Categories)
{
    /// <summary>Every item, in checklist order. A method, not a property: the checklist's JSON carries each item once.</summary>
    public IEnumerable<ChecklistItemView> AllItems() => Categories.SelectMany(c => c.Subcategories).SelectMany(s => s.Items);
}

public sealed record TemplateReference(string Slug, string Name);

/// <summary>
/// One item with what the framework version it was copied from says about it. <see cref="DefinitionHtml"/> and
/// <see cref="NotesHtml"/> are sanitized HTML, safe to put in a page. <see cref="Evidence"/> is what the last check of each
/// GitHub evidence link found (empty when the item has none, or the server has no GitHub configured).
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
    TemplateReference? Template,
    IReadOnlyList<Evidence.EvidenceCheckView> Evidence);

/// <summary>
/// Which items of a checklist to read; every filter is optional and they combine with AND. <see cref="DueBefore"/>
/// matches items due strictly before that date (items without a due date never match). <see cref="Overdue"/> true
/// matches open items (neither done nor not applicable) due before today (UTC); false matches every other item.
/// </summary>
public sealed record ChecklistFilter(ChecklistItemStatus? Status = null, Guid? AssigneeUserId = null, DateOnly? DueBefore = null, bool? Overdue = null)
{
    public static ChecklistFilter None { get; } = new();
}

internal sealed class ChecklistFilterValidator : AbstractValidator<ChecklistFilter>
{
    public ChecklistFilterValidator()
    {
        RuleFor(f => f.Status).IsInEnum();
        RuleFor(f => f.AssigneeUserId).NotEqual(Guid.Empty);
    }
}

/// <summary>One page of a project's checklist items, flat, in framework order; <see cref="Limit"/> 1 to 100.</summary>
public sealed record ListChecklistItemsRequest(ChecklistFilter? Filter = null, int Limit = 50, string? Cursor = null);

/// <summary>An item with the category and subcategory it sits in.</summary>
public sealed record ChecklistItemEntry(string CategorySlug, string CategoryName, string SubcategorySlug, string SubcategoryName, ChecklistItemView Item);

/// <summary>One page of items; pass <see cref="NextCursor"/> back to read the next page (null on the last one).</summary>
public sealed record ChecklistItemPage(IReadOnlyList<ChecklistItemEntry> Items, string? NextCursor);

internal sealed class ListChecklistItemsValidator : AbstractValidator<ListChecklistItemsRequest>
{
    public ListChecklistItemsValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        RuleFor(r => r.Filter!).SetValidator(new ChecklistFilterValidator()).When(r => r.Filter is not null);
        RuleFor(r => r.Cursor!).Must(c => ChecklistItemCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}
