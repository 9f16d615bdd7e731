using EngineeringFramework.Core.Checklists;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Projects;

/// <summary>One category of one project: its required items, and how many of them are done or not applicable.</summary>
internal sealed record CategoryCounts(Guid ProjectId, string Slug, string Name, int Order, int Required, int Done, int NotApplicable);

/// <summary>
/// How progress is counted, once for everything that shows it (a project, the project list, the dashboard, the
/// organization report), so they all agree: one grouped query counted in the database, one row per project and
/// category, whatever the number of projects. It reads through the caller's context, so the tenant filter applies.
/// </summary>
internal static class ProgressCounts
{
    /// <summary>The counts of every category of the projects that <paramref name="items"/> belong to.</summary>
    public static Task<List<CategoryCounts>> ByCategoryAsync(IQueryable<ChecklistItem> items, CancellationToken cancellationToken)
        => items.AsNoTracking()
            .Where(i => i.RetiredAt == null)
            .GroupBy(i => new { i.ProjectId, i.CategorySlug, i.CategoryName, i.CategoryOrder })
            .Select(g => new CategoryCounts(
                g.Key.ProjectId,
                g.Key.CategorySlug,
                g.Key.CategoryName,
                g.Key.CategoryOrder,
                g.Count(i => !i.Optional),
                g.Count(i => !i.Optional && i.Status == ChecklistItemStatus.Done),
                g.Count(i => !i.Optional && i.Status == ChecklistItemStatus.NotApplicable)))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// One project's categories in framework order, then by slug (ordinally, here rather than in the database, whose
    /// collation differs between SQLite and PostgreSQL).
    /// </summary>
    public static List<CategoryProgress> Categories(IEnumerable<CategoryCounts> rows)
        => [.. rows
            .OrderBy(r => r.Order).ThenBy(r => r.Slug, StringComparer.Ordinal)
            .Select(r => new CategoryProgress(r.Slug, r.Name, r.Order, Progress.Of(r.Done, r.NotApplicable, r.Required)))];

    /// <summary>The rows taken together: a project's overall progress, or that of several projects.</summary>
    public static Progress Overall(IEnumerable<CategoryCounts> rows)
    {
        int required = 0, done = 0, notApplicable = 0;
        foreach (var row in rows)
        {
            required += row.Required;
            done += row.Done;
            notApplicable += row.NotApplicable;
        }

        return Progress.Of(done, notApplicable, required);
    }
}
