using System.Globalization;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// A project's checklist as CSV: one row per item in framework order, the columns of <see cref="Header"/>. Items retired
/// by a framework upgrade are kept (they are part of the record) and say so in the last columns, which came last so
/// that readers of the earlier columns by position are not broken.
/// </summary>
internal static class ChecklistCsv
{
    public static readonly string[] Header =
    [
        "Category", "Subcategory", "Item slug", "Item name", "Required", "Status", "Not applicable reason", "Assignee", "Due date",
        "Notes", "Evidence links", "Updated at", "Version", "Retired", "Definition changed since done",
        "Awaiting confirmation",
    ];

    /// <summary>Evidence links are separated by a space: an http(s) URL holds none, so the cell splits back without ambiguity.</summary>
    public static string Write(ChecklistExport export)
        => CsvText.Write(Header,
            from category in export.Checklist.Categories
            from subcategory in category.Subcategories
            from item in subcategory.Items
            select new[]
            {
                category.Name,
                subcategory.Name,
                item.ItemSlug,
                item.Name,
                item.Optional ? "no" : "yes",
                item.Status.ToString(),
                item.NotApplicableReason,
                export.PersonName(item.AssigneeUserId),
                item.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                item.Notes,
                string.Join(' ', item.EvidenceLinks),
                DateTime.SpecifyKind(item.UpdatedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                item.Version.ToString(CultureInfo.InvariantCulture),
                item.Retired ? "yes" : "no",
                item.DefinitionChangedSinceDone ? "yes" : "no",
                item.AwaitingConfirmation?.ToString(),
            });
}
