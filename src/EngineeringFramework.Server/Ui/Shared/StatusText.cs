using System.Globalization;
using EngineeringFramework.Core.Checklists;

namespace EngineeringFramework.Server.Ui.Shared;

/// <summary>Words for values the pages show.</summary>
public static class StatusText
{
    public static IReadOnlyList<ChecklistItemStatus> All { get; } = Enum.GetValues<ChecklistItemStatus>();

    public static string Of(ChecklistItemStatus status) => status switch
    {
        ChecklistItemStatus.NotStarted => "Not started",
        ChecklistItemStatus.InProgress => "In progress",
        ChecklistItemStatus.Done => "Done",
        ChecklistItemStatus.NotApplicable => "Not applicable",
        _ => status.ToString(),
    };

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    public static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Reads an <c>&lt;input type="date"&gt;</c> value; empty is "no date".</summary>
    public static bool TryParseDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }
}
