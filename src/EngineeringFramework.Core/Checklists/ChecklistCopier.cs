using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Copies a framework version's items into a new project's checklist. The copy carries names, orders and
/// slugs, so later framework imports never rewrite an existing project.
/// </summary>
internal static class ChecklistCopier
{
    /// <summary>One query: every item of the version with its subcategory and category.</summary>
    public static async Task<List<ChecklistItem>> CopyAsync(AppDbContext db, Guid frameworkVersionId, Guid organizationId, Guid projectId, DateTime now, CancellationToken cancellationToken)
    {
        var rows = await (
            from item in db.FrameworkVersionItems.AsNoTracking()
            join subcategory in db.Set<FrameworkVersionSubcategory>().AsNoTracking() on item.SubcategoryId equals subcategory.Id
            join category in db.Set<FrameworkVersionCategory>().AsNoTracking() on subcategory.CategoryId equals category.Id
            where item.FrameworkVersionId == frameworkVersionId
            select new
            {
                item.Slug,
                item.Name,
                item.Order,
                item.Optional,
                item.TemplateSlug,
                item.ReviewIntervalDays,
                SubcategorySlug = subcategory.Slug,
                SubcategoryName = subcategory.Name,
                SubcategoryOrder = subcategory.Order,
                CategorySlug = category.Slug,
                CategoryName = category.Name,
                CategoryOrder = category.Order,
            }).ToListAsync(cancellationToken);

        return rows
            .OrderBy(r => r.CategoryOrder).ThenBy(r => r.CategorySlug, StringComparer.Ordinal)
            .ThenBy(r => r.SubcategoryOrder).ThenBy(r => r.SubcategorySlug, StringComparer.Ordinal)
            .ThenBy(r => r.Order).ThenBy(r => r.Slug, StringComparer.Ordinal)
            .Select(r => new ChecklistItem
            {
                OrganizationId = organizationId,
                ProjectId = projectId,
                ItemSlug = r.Slug,
                Name = r.Name,
                CategorySlug = r.CategorySlug,
                CategoryName = r.CategoryName,
                CategoryOrder = r.CategoryOrder,
                SubcategorySlug = r.SubcategorySlug,
                SubcategoryName = r.SubcategoryName,
                SubcategoryOrder = r.SubcategoryOrder,
                Order = r.Order,
                Optional = r.Optional,
                TemplateSlug = r.TemplateSlug,
                ReviewIntervalDays = r.ReviewIntervalDays,
                UpdatedAt = now,
            })
            .ToList();
    }
}
