using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Dashboard;

/// <summary>
/// The organization's dashboard and a project's progress over time. Every figure is counted in the database with grouped
/// queries (a fixed number of round trips, whatever the number of projects), progress as <see cref="ProgressCounts"/>
/// counts it everywhere; the history is rebuilt from the recorded status changes (<see cref="ProgressHistory"/>). Any
/// member may read both, as any member may read every project.
/// </summary>
public sealed class DashboardService(AppDbContext db, TenantContext tenant, Authorizer authorizer, TimeProvider time)
{
    private const ChecklistItemStatus Done = ChecklistItemStatus.Done;
    private const ChecklistItemStatus NotApplicable = ChecklistItemStatus.NotApplicable;

    /// <summary>How many stale items the dashboard lists; the rest are counted.</summary>
    public const int MaxStaleItems = 50;

    public async Task<OrganizationDashboard> GetAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var today = Today();
        var projects = await db.Projects.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.DepartmentId, p.Status, p.TargetDate })
            .ToListAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().Select(d => new { d.Id, d.Name }).ToListAsync(cancellationToken);
        var progress = (await ProgressCounts.ByCategoryAsync(db.ChecklistItems, cancellationToken)).ToLookup(c => c.ProjectId);
        var overdue = await db.ChecklistItems.AsNoTracking()
            .Where(i => i.DueDate != null && i.DueDate < today && i.Status != Done && i.Status != NotApplicable && i.RetiredAt == null)
            .GroupBy(i => i.ProjectId)
            .Select(g => new { ProjectId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(o => o.ProjectId, o => o.Count, cancellationToken);
        var lastActivity = (await db.ActivityEntries.AsNoTracking()
            .Where(a => a.ProjectId != null)
            .GroupBy(a => a.ProjectId!.Value)
            .Select(g => new { ProjectId = g.Key, At = g.Max(a => a.At) })
            .ToListAsync(cancellationToken)).ToDictionary(a => a.ProjectId, a => (DateTime?)a.At);

        // Progress over the required items; overdue counts every item, required or not.
        WorkStats StatsOf(IReadOnlyList<Guid> projectIds)
        {
            var sum = ProgressCounts.Overall(projectIds.SelectMany(id => progress[id]));
            return new WorkStats(
                sum,
                sum.Required - sum.Done - sum.NotApplicable,
                projectIds.Sum(id => overdue.GetValueOrDefault(id)),
                projectIds.Select(id => lastActivity.GetValueOrDefault(id)).Max());
        }

        var standings = projects
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id)
            .Select(p => new ProjectStanding(p.Id, p.Name, p.DepartmentId, p.Status, p.TargetDate, StatsOf([p.Id])))
            .ToList();
        var current = projects.Where(p => p.Status != ProjectStatus.Archived).ToList();
        var departmentStandings = departments
            .OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Id)
            .Select(d =>
            {
                var own = current.Where(p => p.DepartmentId == d.Id).Select(p => p.Id).ToList();
                return new DepartmentStanding(d.Id, d.Name, own.Count, StatsOf(own));
            })
            .ToList();
        var overall = StatsOf([.. current.Select(p => p.Id)]);
        var trend = await TrendAsync(db.Projects.Where(p => p.Status != ProjectStatus.Archived), today, cancellationToken);
        var (stale, staleCount) = await StaleAsync(cancellationToken);
        return new OrganizationDashboard(today, overall, departmentStandings, standings, trend, stale, staleCount);
    }

    /// <summary>
    /// Done items that are stale (past their review date, or whose GitHub evidence changed) in projects that are not
    /// archived (an archived project's checklist is read-only, so no one could mark them reviewed), retired items left out,
    /// the longest stale first. Every member may view every project of the organization (project can_view is can_view from
    /// organization, checked above), and the tenant filter keeps other organizations out.
    /// </summary>
    /// <remarks>
    /// The due moment is computed here rather than in SQL: date arithmetic over two columns translates differently on
    /// SQLite (whose dates are stored text) and PostgreSQL, and the candidates are only the Done items that have an
    /// interval or changed evidence, one narrow row each. <see cref="ReviewSchedule"/> stays the one definition of "stale".
    /// </remarks>
    private async Task<(List<StaleItem> Items, int Count)> StaleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var candidates = await (
            from i in db.ChecklistItems.AsNoTracking()
            join p in db.Projects.AsNoTracking() on i.ProjectId equals p.Id
            where i.Status == Done && (i.ReviewIntervalDays != null || i.EvidenceChangedAt != null) && i.RetiredAt == null && p.Status != ProjectStatus.Archived
            select new { i.ProjectId, ProjectName = p.Name, i.Id, i.ItemSlug, i.Name, i.Status, i.ReviewIntervalDays, i.CompletedAt, i.ReviewedAt, i.EvidenceChangedAt })
            .ToListAsync(cancellationToken);
        var stale = candidates
            .Select(c =>
            {
                var due = ReviewSchedule.DueAt(c.Status, c.ReviewIntervalDays, c.CompletedAt, c.ReviewedAt);
                var reason = ReviewSchedule.Staleness(c.Status, due, c.EvidenceChangedAt, now);
                return (Row: c, Due: due, Reason: reason, Since: reason == StaleReason.EvidenceChanged ? c.EvidenceChangedAt : due);
            })
            .Where(c => c.Reason is not null)
            .OrderBy(c => c.Since).ThenBy(c => c.Row.ProjectName, StringComparer.Ordinal).ThenBy(c => c.Row.ItemSlug, StringComparer.Ordinal)
            .ToList();
        return (
            [.. stale.Take(MaxStaleItems).Select(c => new StaleItem(
                c.Row.ProjectId, c.Row.ProjectName, c.Row.Id, c.Row.ItemSlug, c.Row.Name, c.Due is { } d ? DateOnly.FromDateTime(d) : null, c.Reason!.Value, c.Row.EvidenceChangedAt))],
            stale.Count);
    }

    /// <summary>The project's required items complete, week by week over the last twelve weeks.</summary>
    public async Task<ProjectProgressHistory> GetProjectHistoryAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", "Project", cancellationToken);
        tenant.Set(organizationId);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            throw new NotFoundException("Project");
        }

        return new ProjectProgressHistory(projectId, await TrendAsync(db.Projects.Where(p => p.Id == projectId), Today(), cancellationToken));
    }

    /// <summary>Two reads: the required items of <paramref name="projects"/> as they are now, and their status changes in the window.</summary>
    private async Task<IReadOnlyList<ProgressPoint>> TrendAsync(IQueryable<Project> projects, DateOnly today, CancellationToken cancellationToken)
    {
        var points = ProgressHistory.PointsEndingAt(today);
        var since = points[0].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var items = await (
            from i in db.ChecklistItems.AsNoTracking()
            join p in projects on i.ProjectId equals p.Id
            where !i.Optional && i.RetiredAt == null
            select new ProgressHistory.TrackedItem(i.Id, p.CreatedAt, i.Status))
            .ToListAsync(cancellationToken);
        var recorded = await (
            from a in db.ActivityEntries.AsNoTracking()
            join p in projects on a.ProjectId equals p.Id
            where a.Action == ChecklistService.UpdatedAction && a.At >= since && a.ChecklistItemId != null && a.ChangesJson.Contains("\"status\"")
            select new { ItemId = a.ChecklistItemId!.Value, a.At, a.ChangesJson })
            .ToListAsync(cancellationToken);
        var changes = recorded
            .Select(r => (r.ItemId, r.At, Status: ProgressHistory.StatusOf(r.ChangesJson)))
            .Where(r => r.Status is not null)
            .Select(r => new ProgressHistory.StatusChange(r.ItemId, r.At, r.Status!.Value.From, r.Status.Value.To))
            .ToList();
        return ProgressHistory.Compute(items, changes, points);
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
