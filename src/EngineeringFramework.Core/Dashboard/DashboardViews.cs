using EngineeringFramework.Core.Projects;

namespace EngineeringFramework.Core.Dashboard;

/// <summary>
/// Where a body of work stands: progress over its required items, how many required items are still open, how many items
/// (required or not) are open past their due date, and when anything in it last changed (null: never).
/// </summary>
public sealed record WorkStats(Progress Progress, int RequiredOpen, int Overdue, DateTime? LastActivity);

public sealed record DepartmentStanding(Guid Id, string Name, int ProjectCount, WorkStats Stats);

public sealed record ProjectStanding(Guid Id, string Name, Guid DepartmentId, ProjectStatus Status, DateOnly? TargetDate, WorkStats Stats);

/// <summary>
/// Progress as it stood at the end of <see cref="Date"/> (UTC): required items complete of those that existed then
/// (<see cref="Percent"/> 0 when none existed yet).
/// </summary>
public sealed record ProgressPoint(DateOnly Date, int Complete, int Required, int Percent);

/// <summary>A Done item due for review (<c>ReviewSchedule</c>): still done, still counted, but worth a look.</summary>
/// <param name="ReviewDueOn">When its periodic review fell (or falls) due; null when it has no review interval.</param>
/// <param name="EvidenceChangedAt">When a check found its GitHub evidence changed; null when it did not.</param>
public sealed record StaleItem(Guid ProjectId, string ProjectName, Guid ItemId, string ItemSlug, string ItemName, DateOnly? ReviewDueOn, Checklists.StaleReason Reason, DateTime? EvidenceChangedAt = null);

/// <summary>
/// The organization at a glance. <see cref="Departments"/> and <see cref="Trend"/> cover projects that are not archived
/// (an archived project is finished business, read-only); <see cref="Projects"/> lists every project with its own figures.
/// <see cref="StaleItems"/> lists the first <see cref="DashboardService.MaxStaleItems"/> stale items of projects that are
/// not archived, longest overdue first; <see cref="StaleCount"/> counts them all.
/// </summary>
public sealed record OrganizationDashboard(
    DateOnly Today,
    WorkStats Overall,
    IReadOnlyList<DepartmentStanding> Departments,
    IReadOnlyList<ProjectStanding> Projects,
    IReadOnlyList<ProgressPoint> Trend,
    IReadOnlyList<StaleItem> StaleItems,
    int StaleCount);

/// <summary>One project's progress over time, one point a week, the last one today.</summary>
public sealed record ProjectProgressHistory(Guid ProjectId, IReadOnlyList<ProgressPoint> Trend);
