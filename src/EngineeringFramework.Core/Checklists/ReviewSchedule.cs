namespace EngineeringFramework.Core.Checklists;

/// <summary>Why an item's evidence can no longer be taken as true without a look. More reasons may follow (e.g. the evidence changed).</summary>
public enum StaleReason
{
    /// <summary>The item is Done and its framework's <c>reviewIntervalDays</c> have passed since it was completed or last reviewed.</summary>
    ReviewOverdue,

    /// <summary>
    /// The item is Done and a GitHub file given as its evidence changed (or disappeared) since it was recorded at the
    /// item's completion or last review (<c>Evidence.EvidenceCheck</c>).
    /// </summary>
    EvidenceChanged,
}

/// <summary>
/// When a Done item is due for review, and whether it is stale. Stale is shown, never acted on: the item keeps its
/// status and still counts as done in progress, because silently reopening finished work would rewrite a decision no
/// one made; a person marks it reviewed (or changes it).
/// </summary>
public static class ReviewSchedule
{
    public static bool IsFinished(ChecklistItemStatus status) => status is ChecklistItemStatus.Done or ChecklistItemStatus.NotApplicable;

    /// <summary>
    /// The moment the review falls due: (reviewed, else completed) plus the interval, for a Done item with an interval.
    /// Null when no review is due (not Done, no interval, or no completion time known). Not applicable items are not
    /// reviewed: there is no evidence that could go out of date.
    /// </summary>
    public static DateTime? DueAt(ChecklistItemStatus status, int? intervalDays, DateTime? completedAt, DateTime? reviewedAt)
        => status == ChecklistItemStatus.Done && intervalDays is { } days && (reviewedAt ?? completedAt) is { } since
            ? since.AddDays(days)
            : null;

    /// <summary>The review's due moment has passed (strictly).</summary>
    public static StaleReason? Staleness(DateTime? dueAt, DateTime now) => dueAt is { } due && due < now ? StaleReason.ReviewOverdue : null;

    /// <summary>
    /// Why a Done item is stale, if it is: changed evidence first (a concrete change someone should look at), else an
    /// overdue review.
    /// </summary>
    public static StaleReason? Staleness(ChecklistItemStatus status, DateTime? dueAt, DateTime? evidenceChangedAt, DateTime now)
        => status == ChecklistItemStatus.Done && evidenceChangedAt is not null ? StaleReason.EvidenceChanged : Staleness(dueAt, now);
}
