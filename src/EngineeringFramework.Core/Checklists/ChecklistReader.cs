using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// The checklist read, the hottest query of the product (every page view, API read and agent's
/// <c>get_checklist</c>): the project's row (a missing project is told from an empty result) and the matching items'
/// state, projected straight into the views (no entity materialization, no change tracking), compiled statements.
/// On SQLite both come in one statement, the items as one value SQLite builds (<see cref="SqliteItemStates"/>: every
/// column of every row read through Microsoft.Data.Sqlite is several native calls); on PostgreSQL the project and the
/// item columns are two statements. Where each item sits in the framework changes only with the project's framework
/// version, so it comes from <see cref="ChecklistStructures"/>, read once per project and version (one more statement
/// the first time).
/// </summary>
/// <remarks>
/// The tenant query filter applies inside the compiled queries as everywhere else: EF Core reads the tenant from
/// the executing context, so a project of another organization is simply not found.
/// </remarks>
internal static class ChecklistReader
{
    private static readonly PerModel<Func<AppDbContext, Guid, CancellationToken, Task<ProjectRow?>>> ProjectQuery = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid projectId, CancellationToken _) =>
            db.Projects.AsNoTracking()
                .Where(p => p.Id == projectId)
                .Select(p => new ProjectRow(p.Name, p.Status, p.FrameworkVersionId))
                .FirstOrDefault()));

    /// <summary>What can change of the matching items, column by column (PostgreSQL).</summary>
    private static readonly PerModel<Func<AppDbContext, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool?, DateOnly, IAsyncEnumerable<ItemState>>> StatesQuery = new(() =>
        EF.CompileAsyncQuery(ItemFilter.Expand<Func<AppDbContext, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool?, DateOnly, IQueryable<ItemState>>>((db, projectId, status, assignee, dueBefore, overdue, today) =>
            from i in db.ChecklistItems.AsNoTracking()
            where ItemFilter.Matches(i, projectId, status, assignee, dueBefore, overdue, today)
            select new ItemState(i.Id, i.Status, i.NotApplicableReason, i.Notes, i.AssigneeUserId, i.DueDate, i.EvidenceLinks, i.UpdatedAt, i.UpdatedByUserId, i.Version, i.DefinitionChangedAt, i.AwaitingStatus, i.CompletedAt, i.ReviewedAt, i.ReviewIntervalDays, i.EvidenceChangedAt))));

    /// <summary>
    /// The project and what can change of the matching items in one statement, the items as one UTF-8 value built by
    /// SQLite (<see cref="SqliteItemStates"/>); the value is null when no item matches.
    /// </summary>
    private static readonly PerModel<Func<AppDbContext, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool?, DateOnly, CancellationToken, Task<SqliteChecklistRow?>>> SqliteQuery = new(() =>
        EF.CompileAsyncQuery(ItemFilter.Expand<Func<AppDbContext, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool?, DateOnly, CancellationToken, SqliteChecklistRow?>>((db, projectId, status, assignee, dueBefore, overdue, today, _) =>
            db.Projects.AsNoTracking()
                .Where(p => p.Id == projectId)
                .Select(p => new SqliteChecklistRow(new ProjectRow(p.Name, p.Status, p.FrameworkVersionId), db.ChecklistItems
                    .Where(i => ItemFilter.Matches(i, projectId, status, assignee, dueBefore, overdue, today))
                    .GroupBy(i => i.ProjectId)
                    .Select(g => SqliteItemStates.Utf8(string.Join(" ", g.Select(i => SqliteItemStates.Row(
                        i.Id, i.Status, i.NotApplicableReason, i.Notes, i.AssigneeUserId, i.DueDate, i.EvidenceLinks, i.UpdatedAt, i.UpdatedByUserId, i.Version, i.DefinitionChangedAt, i.AwaitingStatus, i.CompletedAt, i.ReviewedAt, i.ReviewIntervalDays, i.EvidenceChangedAt)))))
                    .FirstOrDefault()))
                .FirstOrDefault())));

    /// <summary>Where every item of the project sits: read once per project for <see cref="ChecklistStructures"/>.</summary>
    private static readonly PerModel<Func<AppDbContext, Guid, IAsyncEnumerable<ItemPlace>>> PlacesQuery = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid projectId) =>
            from i in db.ChecklistItems.AsNoTracking()
            where i.ProjectId == projectId
            select new ItemPlace(
                i.Id, i.CategorySlug, i.CategoryName, i.CategoryOrder, i.SubcategorySlug, i.SubcategoryName, i.SubcategoryOrder,
                i.ItemSlug, i.Name, i.Order, i.Optional, i.TemplateSlug, i.RetiredAt)));

    /// <summary>
    /// The project and its rows matching <paramref name="filter"/> (after <paramref name="after"/>, when given), in
    /// framework order; a null project when the project is not found.
    /// </summary>
    private static async Task<(ProjectRow? Project, List<ItemRow> Rows)> ReadRowsAsync(
        AppDbContext db, ChecklistStructures structures, Guid projectId, ChecklistFilter filter, DateTime now, ChecklistItemCursor? after, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now);
        var (project, states) = db is SqliteAppDbContext
            ? await ReadSqliteAsync(db, projectId, filter, today, cancellationToken)
            : await ReadColumnsAsync(db, projectId, filter, today, cancellationToken);
        if (project is null)
        {
            return (null, []);
        }

        var structure = structures.Find(projectId);
        if (structure is null || structure.FrameworkVersionId != project.FrameworkVersionId || states.Exists(s => !structure.TryGet(s.Id, out _)))
        {
            var places = new List<ItemPlace>();
            await foreach (var place in PlacesQuery.For(db)(db, projectId).WithCancellation(cancellationToken))
            {
                places.Add(place);
            }

            structure = new ChecklistStructure(project.FrameworkVersionId, places);
            structures.Keep(projectId, structure);
        }

        // Each place has its own rank (0 to Count - 1), so the rows fall into framework order without a sort.
        var slots = new ItemRow?[structure.Count];
        foreach (var s in states)
        {
            // An item deleted after the structure was read has no place any more: it is gone, leave it out.
            if (structure.TryGet(s.Id, out var place) && (after is null || after.IsBefore(place)))
            {
                var (reviewDueOn, stale) = ChecklistItemView.Review(s.Status, s.ReviewIntervalDays, s.CompletedAt, s.ReviewedAt, s.EvidenceChangedAt, place.RetiredAt, now);
                slots[place.Rank] = new ItemRow(place, new ChecklistItemView(
                    place.Id, place.ItemSlug, place.Name, place.Order, place.Optional, place.TemplateSlug, s.Status, s.NotApplicableReason, s.Notes,
                    s.AssigneeUserId, s.DueDate, s.EvidenceLinks, s.UpdatedAt, s.UpdatedByUserId, s.Version, place.RetiredAt, s.DefinitionChangedAt, s.AwaitingStatus,
                    s.ReviewIntervalDays, s.CompletedAt, s.ReviewedAt, reviewDueOn, stale, s.EvidenceChangedAt));
            }
        }

        var rows = new List<ItemRow>(states.Count);
        foreach (var row in slots)
        {
            if (row is not null)
            {
                rows.Add(row);
            }
        }

        return (project, rows);
    }

    private static async Task<(ProjectRow? Project, List<ItemState> States)> ReadSqliteAsync(AppDbContext db, Guid projectId, ChecklistFilter filter, DateOnly today, CancellationToken cancellationToken)
    {
        var row = await SqliteQuery.For(db)(db, projectId, filter.Status, filter.AssigneeUserId, filter.DueBefore, filter.Overdue, today, cancellationToken);
        return row is null ? (null, []) : (row.Project, SqliteItemStates.Parse(row.States));
    }

    private static async Task<(ProjectRow? Project, List<ItemState> States)> ReadColumnsAsync(AppDbContext db, Guid projectId, ChecklistFilter filter, DateOnly today, CancellationToken cancellationToken)
    {
        var project = await ProjectQuery.For(db)(db, projectId, cancellationToken);
        if (project is null)
        {
            return (null, []);
        }

        var states = new List<ItemState>();
        await foreach (var state in StatesQuery.For(db)(db, projectId, filter.Status, filter.AssigneeUserId, filter.DueBefore, filter.Overdue, today).WithCancellation(cancellationToken))
        {
            states.Add(state);
        }

        return (project, states);
    }

    /// <summary>The project and its items matching <paramref name="filter"/>, in framework order; null when the project is not found.</summary>
    /// <param name="now">UTC: today for the overdue filter, and the moment a review counts as overdue.</param>
    public static async Task<ProjectChecklist?> ReadAsync(AppDbContext db, ChecklistStructures structures, Guid projectId, ChecklistFilter filter, DateTime now, CancellationToken cancellationToken)
    {
        var (project, rows) = await ReadRowsAsync(db, structures, projectId, filter, now, null, cancellationToken);
        return project is null ? null : new ProjectChecklist(projectId, project.Name, project.Status, project.FrameworkVersionId, Group(rows));
    }

    /// <summary>One page of the project's matching items, flat, in framework order after <paramref name="after"/>; null when the project is not found.</summary>
    public static async Task<ChecklistItemPage?> ReadPageAsync(AppDbContext db, ChecklistStructures structures, Guid projectId, ChecklistFilter filter, DateTime now, int limit, ChecklistItemCursor? after, CancellationToken cancellationToken)
    {
        // A checklist is bounded by the framework's size (at most 2,000 items), so the page is cut in memory from
        // the filtered rows, ordered exactly as the grouped read orders them.
        var (project, rows) = await ReadRowsAsync(db, structures, projectId, filter, now, after, cancellationToken);
        if (project is null)
        {
            return null;
        }

        var page = rows.Take(limit).Select(r => new ChecklistItemEntry(r.Place.CategorySlug, r.Place.CategoryName, r.Place.SubcategorySlug, r.Place.SubcategoryName, r.Item)).ToList();
        var next = rows.Count > limit ? ChecklistItemCursor.Of(rows[limit - 1].Place).Encode() : null;
        return new ChecklistItemPage(page, next);
    }

    /// <summary>Framework order: category (order, slug), subcategory (order, slug), item (order, slug), slugs compared ordinally.</summary>
    internal static int Compare(ItemPlace a, ItemPlace b)
    {
        var c = a.CategoryOrder.CompareTo(b.CategoryOrder);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.CategorySlug, b.CategorySlug);
        }

        if (c == 0)
        {
            c = a.SubcategoryOrder.CompareTo(b.SubcategoryOrder);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.SubcategorySlug, b.SubcategorySlug);
        }

        if (c == 0)
        {
            c = a.Order.CompareTo(b.Order);
        }

        return c != 0 ? c : string.CompareOrdinal(a.ItemSlug, b.ItemSlug);
    }

    /// <summary>Cuts the rows, in framework order, into categories and subcategories in one pass; empty groups never appear.</summary>
    private static List<ChecklistCategoryView> Group(List<ItemRow> rows)
    {
        var categories = new List<ChecklistCategoryView>();
        for (var i = 0; i < rows.Count;)
        {
            var category = rows[i].Place;
            var subcategories = new List<ChecklistSubcategoryView>();
            while (i < rows.Count && SameCategory(rows[i].Place, category))
            {
                var subcategory = rows[i].Place;
                var items = new List<ChecklistItemView>();
                while (i < rows.Count && SameCategory(rows[i].Place, category)
                    && rows[i].Place.SubcategoryOrder == subcategory.SubcategoryOrder && rows[i].Place.SubcategorySlug == subcategory.SubcategorySlug)
                {
                    items.Add(rows[i].Item);
                    i++;
                }

                subcategories.Add(new ChecklistSubcategoryView(subcategory.SubcategorySlug, subcategory.SubcategoryName, subcategory.SubcategoryOrder, items));
            }

            categories.Add(new ChecklistCategoryView(category.CategorySlug, category.CategoryName, category.CategoryOrder, subcategories));
        }

        return categories;
    }

    private static bool SameCategory(ItemPlace a, ItemPlace b) => a.CategoryOrder == b.CategoryOrder && a.CategorySlug == b.CategorySlug;

    internal sealed record ProjectRow(string Name, ProjectStatus Status, Guid? FrameworkVersionId);

    internal sealed record SqliteChecklistRow(ProjectRow Project, byte[]? States);

    /// <summary>
    /// What a checklist read takes from the database for each item, every time. The review interval is read here rather
    /// than kept with the cached <see cref="ItemPlace"/>: staleness must never lag behind the stored row, whatever path
    /// changed it.
    /// </summary>
    internal sealed record ItemState(
        Guid Id,
        ChecklistItemStatus Status,
        string? NotApplicableReason,
        string? Notes,
        Guid? AssigneeUserId,
        DateOnly? DueDate,
        List<string> EvidenceLinks,
        DateTime UpdatedAt,
        Guid? UpdatedByUserId,
        long Version,
        DateTime? DefinitionChangedAt,
        ChecklistItemStatus? AwaitingStatus,
        DateTime? CompletedAt = null,
        DateTime? ReviewedAt = null,
        int? ReviewIntervalDays = null,
        DateTime? EvidenceChangedAt = null);

    internal sealed record ItemRow(ItemPlace Place, ChecklistItemView Item);
}
