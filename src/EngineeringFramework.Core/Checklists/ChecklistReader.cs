using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// The checklist read, the hottest query of the product (every page view, API read and agent's
/// <c>get_checklist</c>): one compiled SQL statement, the matching items joined with their project, projected
/// straight into the views (no entity materialization, no change tracking), then grouped in one pass. A flat
/// join costs less to shape than a project with a nested item collection; only when no item matches does a
/// second statement tell an empty result from a project that is not there.
/// </summary>
/// <remarks>
/// The tenant query filter applies inside the compiled query as everywhere else: EF Core reads the tenant from
/// the executing context, so a project of another organization is simply not found.
/// </remarks>
internal static class ChecklistReader
{
    /// <summary>Statuses that end an item's work: such an item is never overdue.</summary>
    private const ChecklistItemStatus Done = ChecklistItemStatus.Done;
    private const ChecklistItemStatus NotApplicable = ChecklistItemStatus.NotApplicable;

    private static readonly PerModel<Func<AppDbContext, Guid, CancellationToken, Task<ProjectRow?>>> ProjectQuery = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid projectId, CancellationToken _) =>
            db.Projects.AsNoTracking()
                .Where(p => p.Id == projectId)
                .Select(p => new ProjectRow(p.Name, p.Status, p.FrameworkVersionId))
                .FirstOrDefault()));

    /// <summary>The matching items, each with its project's fields (joined, so a read that finds items needs no second statement).</summary>
    private static readonly PerModel<Func<AppDbContext, Guid, ChecklistItemStatus?, Guid?, DateOnly?, bool, bool, DateOnly, IAsyncEnumerable<JoinedRow>>> ItemsQuery = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid projectId, ChecklistItemStatus? status, Guid? assignee, DateOnly? dueBefore, bool overdueOnly, bool notOverdueOnly, DateOnly today) =>
            from i in db.ChecklistItems.AsNoTracking()
            join p in db.Projects.AsNoTracking() on i.ProjectId equals p.Id
            where i.ProjectId == projectId
                && (status == null || i.Status == status)
                && (assignee == null || i.AssigneeUserId == assignee)
                && (dueBefore == null || (i.DueDate != null && i.DueDate < dueBefore))
                // Spelled out both ways rather than negated, so an item without a due date is plainly not overdue
                // (SQL's NOT over a NULL comparison would drop it from both lists).
                && (!overdueOnly || (i.DueDate != null && i.DueDate < today && i.Status != Done && i.Status != NotApplicable))
                && (!notOverdueOnly || i.DueDate == null || i.DueDate >= today || i.Status == Done || i.Status == NotApplicable)
            select new JoinedRow(
                p.Name,
                p.Status,
                p.FrameworkVersionId,
                new ItemRow(
                    i.CategorySlug,
                    i.CategoryName,
                    i.CategoryOrder,
                    i.SubcategorySlug,
                    i.SubcategoryName,
                    i.SubcategoryOrder,
                    new ChecklistItemView(
                        i.Id, i.ItemSlug, i.Name, i.Order, i.Optional, i.TemplateSlug, i.Status, i.NotApplicableReason, i.Notes, i.AssigneeUserId,
                        i.DueDate, i.EvidenceLinks, i.UpdatedAt, i.UpdatedByUserId, i.Version)))));

    /// <summary>
    /// The rows matching <paramref name="filter"/> (after <paramref name="after"/>, when given) and their project;
    /// a null project when the project is not found. Only a read that matches no item asks for the project alone.
    /// </summary>
    private static async Task<(ProjectRow? Project, List<ItemRow> Rows)> ReadRowsAsync(AppDbContext db, Guid projectId, ChecklistFilter filter, DateOnly today, ChecklistItemCursor? after, CancellationToken cancellationToken)
    {
        ProjectRow? project = null;
        var rows = new List<ItemRow>();
        await foreach (var joined in ItemsQuery.For(db)(db, projectId, filter.Status, filter.AssigneeUserId, filter.DueBefore, filter.Overdue == true, filter.Overdue == false, today).WithCancellation(cancellationToken))
        {
            project ??= new ProjectRow(joined.ProjectName, joined.ProjectStatus, joined.FrameworkVersionId);
            if (after is null || after.IsBefore(joined.Row))
            {
                rows.Add(joined.Row);
            }
        }

        return (project ?? await ProjectQuery.For(db)(db, projectId, cancellationToken), rows);
    }

    /// <summary>The project and its items matching <paramref name="filter"/>, in framework order; null when the project is not found.</summary>
    public static async Task<ProjectChecklist?> ReadAsync(AppDbContext db, Guid projectId, ChecklistFilter filter, DateOnly today, CancellationToken cancellationToken)
    {
        var (project, rows) = await ReadRowsAsync(db, projectId, filter, today, null, cancellationToken);
        return project is null ? null : new ProjectChecklist(projectId, project.Name, project.Status, project.FrameworkVersionId, Group(rows));
    }

    /// <summary>One page of the project's matching items, flat, in framework order after <paramref name="after"/>; null when the project is not found.</summary>
    public static async Task<ChecklistItemPage?> ReadPageAsync(AppDbContext db, Guid projectId, ChecklistFilter filter, DateOnly today, int limit, ChecklistItemCursor? after, CancellationToken cancellationToken)
    {
        // A checklist is bounded by the framework's size (at most 2,000 items), so the page is cut in memory from
        // the filtered rows, after ordering them exactly as the grouped read does.
        var (project, rows) = await ReadRowsAsync(db, projectId, filter, today, after, cancellationToken);
        if (project is null)
        {
            return null;
        }

        rows.Sort(Compare);
        var page = rows.Take(limit).Select(r => new ChecklistItemEntry(r.CategorySlug, r.CategoryName, r.SubcategorySlug, r.SubcategoryName, r.Item)).ToList();
        var next = rows.Count > limit ? ChecklistItemCursor.Of(rows[limit - 1]).Encode() : null;
        return new ChecklistItemPage(page, next);
    }

    /// <summary>Framework order: category (order, slug), subcategory (order, slug), item (order, slug), slugs compared ordinally.</summary>
    internal static int Compare(ItemRow a, ItemRow b)
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
            c = a.Item.Order.CompareTo(b.Item.Order);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Item.ItemSlug, b.Item.ItemSlug);
    }

    /// <summary>Sorts the rows, then cuts them into categories and subcategories in one pass; empty groups never appear.</summary>
    private static List<ChecklistCategoryView> Group(List<ItemRow> rows)
    {
        rows.Sort(Compare);
        var categories = new List<ChecklistCategoryView>();
        for (var i = 0; i < rows.Count;)
        {
            var category = rows[i];
            var subcategories = new List<ChecklistSubcategoryView>();
            while (i < rows.Count && rows[i].CategoryOrder == category.CategoryOrder && rows[i].CategorySlug == category.CategorySlug)
            {
                var subcategory = rows[i];
                var items = new List<ChecklistItemView>();
                while (i < rows.Count && rows[i].CategoryOrder == category.CategoryOrder && rows[i].CategorySlug == category.CategorySlug
                    && rows[i].SubcategoryOrder == subcategory.SubcategoryOrder && rows[i].SubcategorySlug == subcategory.SubcategorySlug)
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

    internal sealed record ProjectRow(string Name, ProjectStatus Status, Guid? FrameworkVersionId);

    internal sealed record JoinedRow(string ProjectName, ProjectStatus ProjectStatus, Guid? FrameworkVersionId, ItemRow Row);

    internal sealed record ItemRow(
        string CategorySlug,
        string CategoryName,
        int CategoryOrder,
        string SubcategorySlug,
        string SubcategoryName,
        int SubcategoryOrder,
        ChecklistItemView Item);
}
