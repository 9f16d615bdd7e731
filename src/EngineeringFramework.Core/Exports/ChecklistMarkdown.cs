using System.Globalization;
using System.Text;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Projects;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// A project's checklist as one Markdown document: a title, a table of the project's facts and its progress, then a
/// section per category (<c>##</c>), subcategory (<c>###</c>) and item (<c>####</c>). Every piece of user text goes
/// through <see cref="MarkdownText"/>, so only this writer decides the document's headings, lists and tables.
/// </summary>
internal static class ChecklistMarkdown
{
    public static string Write(ChecklistExport export)
    {
        var checklist = export.Checklist;
        var md = new StringBuilder(4096);
        md.Append("# Checklist: ").Append(MarkdownText.Inline(checklist.ProjectName)).Append("\n\n");
        md.Append("| Field | Value |\n|---|---|\n");
        Row(md, "Project", MarkdownText.Inline(checklist.ProjectName));
        Row(md, "Department", MarkdownText.Inline(export.DepartmentName ?? "—"));
        Row(md, "Status", checklist.ProjectStatus.ToString());
        Row(md, "Lead", MarkdownText.Inline(export.Lead ?? "—"));
        Row(md, "Target date", export.TargetDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—");
        Row(md, "Framework version", checklist.FrameworkVersionId?.ToString() ?? "—");
        Row(md, "Generated at", export.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Row(md, "Overall progress", Describe(export.Progress));
        md.Append('\n');

        md.Append("Progress counts required items only; done and not applicable items are complete.\n\n");
        if (export.Categories.Count > 0)
        {
            md.Append("| Category | Required | Done | Not applicable | Complete |\n|---|---:|---:|---:|---:|\n");
            foreach (var category in export.Categories)
            {
                var p = category.Progress;
                md.Append("| ").Append(MarkdownText.Inline(category.Name))
                    .Append(CultureInfo.InvariantCulture, $" | {p.Required} | {p.Done} | {p.NotApplicable} | {p.Percent} % |\n");
            }

            md.Append('\n');
        }
        else
        {
            md.Append("This project has no checklist items.\n\n");
        }

        foreach (var category in checklist.Categories)
        {
            md.Append("## ").Append(MarkdownText.Inline(category.Name)).Append("\n\n");
            foreach (var subcategory in category.Subcategories)
            {
                md.Append("### ").Append(MarkdownText.Inline(subcategory.Name)).Append("\n\n");
                foreach (var item in subcategory.Items)
                {
                    Item(md, export, item);
                }
            }
        }

        return md.ToString();
    }

    private static void Item(StringBuilder md, ChecklistExport export, ChecklistItemView item)
    {
        md.Append("#### ").Append(MarkdownText.Inline(item.Name)).Append("\n\n");
        md.Append("- Slug: ").Append(MarkdownText.Inline(item.ItemSlug)).Append('\n');
        md.Append("- ").Append(item.Optional ? "Optional" : "Required").Append('\n');
        md.Append("- Status: ").Append(StatusText(item.Status)).Append('\n');
        if (item.Retired)
        {
            md.Append("- Retired: no longer in the project's framework (kept read-only, not counted in progress)\n");
        }

        if (item.DefinitionChangedSinceDone)
        {
            md.Append("- Definition changed since done: review it against the new definition\n");
        }

        if (item.AwaitingConfirmation is { } awaiting)
        {
            md.Append("- Awaiting confirmation: an agent set ").Append(StatusText(awaiting)).Append("; a person has not confirmed it yet\n");
        }

        md.Append("- Assignee: ").Append(MarkdownText.Inline(export.PersonName(item.AssigneeUserId) ?? "—")).Append('\n');
        md.Append("- Due date: ").Append(item.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—").Append('\n');
        if (item.NotApplicableReason is { Length: > 0 } reason)
        {
            md.Append("- Not applicable because: ").Append(MarkdownText.Inline(reason)).Append('\n');
        }

        if (item.EvidenceLinks.Count > 0)
        {
            md.Append("- Evidence:\n");
            foreach (var link in item.EvidenceLinks)
            {
                md.Append("  - ").Append(MarkdownText.Link(link)).Append('\n');
            }
        }

        md.Append('\n');
        if (!string.IsNullOrWhiteSpace(item.Notes))
        {
            md.Append("Notes:\n\n").Append(MarkdownText.Fenced(item.Notes)).Append('\n');
        }
    }

    private static void Row(StringBuilder md, string field, string value) => md.Append("| ").Append(field).Append(" | ").Append(value).Append(" |\n");

    private static string Describe(Progress p)
        => string.Create(CultureInfo.InvariantCulture, $"{p.Percent} % ({p.Done + p.NotApplicable} of {p.Required} required items complete: {p.Done} done, {p.NotApplicable} not applicable)");

    internal static string StatusText(ChecklistItemStatus status) => status switch
    {
        ChecklistItemStatus.NotStarted => "Not started",
        ChecklistItemStatus.InProgress => "In progress",
        ChecklistItemStatus.Done => "Done",
        ChecklistItemStatus.NotApplicable => "Not applicable",
        _ => status.ToString(),
    };
}
