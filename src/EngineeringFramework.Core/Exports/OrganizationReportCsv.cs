using System.Globalization;
using EngineeringFramework.Core.Projects;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// An organization's progress as CSV: for every project, a row per category of its checklist (in framework order), then
/// one row for the whole project whose category is <see cref="AllCategories"/>. Projects come by department name,
/// then project name. A project without checklist items has only its overall row.
/// </summary>
internal static class OrganizationReportCsv
{
    /// <summary>The category of a project's overall row, always the project's last row (so a framework category of the same name is still told apart by position).</summary>
    public const string AllCategories = "(all)";

    public static readonly string[] Header = ["Department", "Project", "Project status", "Category", "Required", "Done", "Not applicable", "Percent"];

    public static string Write(IEnumerable<ReportProject> projects)
        => CsvText.Write(Header, projects.SelectMany(p => p.Categories
            .Select(c => Row(p, c.Name, c.Progress))
            .Append(Row(p, AllCategories, p.Overall))));

    private static string?[] Row(ReportProject project, string category, Progress progress) =>
    [
        project.DepartmentName,
        project.Name,
        project.Status.ToString(),
        category,
        progress.Required.ToString(CultureInfo.InvariantCulture),
        progress.Done.ToString(CultureInfo.InvariantCulture),
        progress.NotApplicable.ToString(CultureInfo.InvariantCulture),
        progress.Percent.ToString(CultureInfo.InvariantCulture),
    ];
}

internal sealed record ReportProject(string DepartmentName, string Name, ProjectStatus Status, Progress Overall, IReadOnlyList<CategoryProgress> Categories);
