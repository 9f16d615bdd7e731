using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// One item of a project's checklist. The framework item is copied in (names, order, slugs) when the
/// project is created, so later framework changes never rewrite an existing project; only an upgrade the
/// project's managers apply (<c>ProjectUpgradeService</c>) brings a newer version's names and places in.
/// </summary>
public sealed class ChecklistItem : IOrganizationOwned, Data.IVersioned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ProjectId { get; init; }

    public required string ItemSlug { get; init; }

    public required string Name { get; set; }

    public required string CategorySlug { get; set; }

    public required string CategoryName { get; set; }

    public int CategoryOrder { get; set; }

    public required string SubcategorySlug { get; set; }

    public required string SubcategoryName { get; set; }

    public int SubcategoryOrder { get; set; }

    public int Order { get; set; }

    public bool Optional { get; set; }

    public string? TemplateSlug { get; set; }

    public ChecklistItemStatus Status { get; set; } = ChecklistItemStatus.NotStarted;

    public string? NotApplicableReason { get; set; }

    /// <summary>Markdown, rendered sanitized.</summary>
    public string? Notes { get; set; }

    public Guid? AssigneeUserId { get; set; }

    public DateOnly? DueDate { get; set; }

    /// <summary>http/https URLs only (validated by the use case).</summary>
    public List<string> EvidenceLinks { get; set; } = [];

    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// Set when a framework upgrade removed this item from the project's framework: the item stays, with its history,
    /// read-only and outside the project's progress. Cleared if a later upgrade brings the item back.
    /// </summary>
    public DateTime? RetiredAt { get; set; }

    /// <summary>
    /// Set when a framework upgrade changed the definition of an item that was Done or Not applicable, so that someone
    /// reviews the decision against the new text. Cleared by the next change of the item's status.
    /// </summary>
    public DateTime? DefinitionChangedAt { get; set; }

    /// <summary>
    /// A status an agent asked for that the organization's sign-off policy sends to a person (<c>SignOff.SignOffRequest</c>):
    /// the item keeps <see cref="Status"/>, and progress counts it, until someone confirms or sends the request back.
    /// </summary>
    public ChecklistItemStatus? AwaitingStatus { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    /// <summary>
    /// Copied from the framework item's <c>reviewIntervalDays</c> (and replaced by an upgrade): once Done, the item should
    /// be reviewed again every this many days. Null: no periodic review.
    /// </summary>
    public int? ReviewIntervalDays { get; set; }

    /// <summary>
    /// When the item last became Done or Not applicable, whatever the path (an edit, a batch, a confirmed sign-off);
    /// null while it is neither. Kept by <see cref="ChangeStatus"/>.
    /// </summary>
    public DateTime? CompletedAt { get; set; }

    /// <summary>When someone last confirmed, without changing it, that the Done item still holds (<c>ReviewSchedule</c>).</summary>
    public DateTime? ReviewedAt { get; set; }

    /// <summary>
    /// Set by the evidence check (<c>Evidence.EvidenceCheckRunner</c>) when a GitHub file given as evidence of the Done item
    /// changed (or disappeared) since it was recorded: the item is stale (<see cref="StaleReason.EvidenceChanged"/>), its
    /// status untouched. Cleared when the item is reviewed or its status changes.
    /// </summary>
    public DateTime? EvidenceChangedAt { get; set; }

    /// <summary>
    /// Sets the status and keeps <see cref="CompletedAt"/> in step with it: stamped when the item becomes Done or Not
    /// applicable from another status (a new completion; an earlier review no longer counts), cleared when it leaves them.
    /// Every path that sets a status goes through here, so the review schedule cannot be skipped by one of them.
    /// </summary>
    internal void ChangeStatus(ChecklistItemStatus status, DateTime now)
    {
        if (status == Status)
        {
            return;
        }

        Status = status;
        if (ReviewSchedule.IsFinished(status))
        {
            CompletedAt = now;
        }
        else
        {
            CompletedAt = null;
        }

        ReviewedAt = null;
        EvidenceChangedAt = null;
    }

    /// <summary>
    /// Optimistic concurrency token, bumped on every save by <see cref="Data.AppDbContext"/>. A portable
    /// counter rather than a provider row version, so SQLite and PostgreSQL behave the same.
    /// </summary>
    public long Version { get; set; } = 1;
}
