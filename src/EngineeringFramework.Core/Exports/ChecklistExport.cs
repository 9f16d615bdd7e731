using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Projects;

namespace EngineeringFramework.Core.Exports;

/// <summary>Everything a checklist export shows, read and authorized once, for either format.</summary>
internal sealed record ChecklistExport(
    ProjectChecklist Checklist,
    string? DepartmentName,
    string? Lead,
    DateOnly? TargetDate,
    DateTimeOffset GeneratedAt,
    Progress Progress,
    IReadOnlyList<CategoryProgress> Categories,
    IReadOnlyDictionary<Guid, string> People)
{
    /// <summary>What people are called in an export: a former member, no longer in the organization, is not named.</summary>
    public const string FormerMember = "(former member)";

    public string? PersonName(Guid? userId) => userId is { } id ? People.GetValueOrDefault(id, FormerMember) : null;

    /// <summary>
    /// Progress as <see cref="ProjectService"/> counts it (required items only; done and not applicable are complete),
    /// from the checklist itself, so the numbers are those of the very items the export lists.
    /// </summary>
    public static (Progress Overall, IReadOnlyList<CategoryProgress> Categories) ProgressOf(ProjectChecklist checklist)
    {
        var categories = checklist.Categories.Select(c =>
        {
            var required = c.Subcategories.SelectMany(s => s.Items).Where(i => !i.Optional).ToList();
            return new CategoryProgress(c.Slug, c.Name, c.Order, Progress.Of(
                required.Count(i => i.Status == ChecklistItemStatus.Done),
                required.Count(i => i.Status == ChecklistItemStatus.NotApplicable),
                required.Count));
        }).ToList();
        var overall = Progress.Of(categories.Sum(c => c.Progress.Done), categories.Sum(c => c.Progress.NotApplicable), categories.Sum(c => c.Progress.Required));
        return (overall, categories);
    }
}
