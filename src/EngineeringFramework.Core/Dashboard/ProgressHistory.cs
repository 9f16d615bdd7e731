using System.Text.Json;
using EngineeringFramework.Core.Checklists;

namespace EngineeringFramework.Core.Dashboard;

/// <summary>
/// Progress over time, rebuilt from the checklist's history: an item's status at the end of a day is the status its
/// last change on or before that day set; before its first recorded change in the window it was that change's "from"; an
/// item never changed in the window has had its current status all along. Only status changes since the window's start
/// are needed, so the cost follows the window, not the organization's age.
/// </summary>
internal static class ProgressHistory
{
    /// <summary>Weekly points: <see cref="Weeks"/> weeks back from today, then today.</summary>
    public const int Weeks = 12;

    public static IReadOnlyList<DateOnly> PointsEndingAt(DateOnly today)
        => [.. Enumerable.Range(0, Weeks + 1).Select(i => today.AddDays(-7 * (Weeks - i)))];

    /// <param name="items">Every required item counted: id, when its project was created (it did not exist before), current status.</param>
    /// <param name="changes">Status changes at or after the first point's day, in any order.</param>
    public static IReadOnlyList<ProgressPoint> Compute(IReadOnlyList<TrackedItem> items, IReadOnlyList<StatusChange> changes, IReadOnlyList<DateOnly> points)
    {
        var byItem = changes.GroupBy(c => c.ItemId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ToList());
        var result = new List<ProgressPoint>(points.Count);
        foreach (var point in points)
        {
            // The end of the day: everything before the next midnight (UTC) counts.
            var end = point.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            int complete = 0, required = 0;
            foreach (var item in items)
            {
                if (item.CreatedAt >= end)
                {
                    continue;
                }

                required++;
                if (IsComplete(StatusAt(item, byItem.GetValueOrDefault(item.Id), end)))
                {
                    complete++;
                }
            }

            // Unlike a project's own progress (nothing required: 100), a day before any of this work existed is 0, so a
            // chart does not start at "all done".
            result.Add(new ProgressPoint(point, complete, required, required == 0 ? 0 : complete * 100 / required));
        }

        return result;
    }

    /// <summary>Reads a recorded change set's status change (<c>{"status":{"from":…,"to":…}}</c>); null when it has none.</summary>
    public static (ChecklistItemStatus From, ChecklistItemStatus To)? StatusOf(string changesJson)
    {
        try
        {
            using var document = JsonDocument.Parse(changesJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("from", out var from) && Enum.TryParse<ChecklistItemStatus>(from.GetString(), out var fromStatus)
                && status.TryGetProperty("to", out var to) && Enum.TryParse<ChecklistItemStatus>(to.GetString(), out var toStatus))
            {
                return (fromStatus, toStatus);
            }
        }
        catch (JsonException)
        {
            // A history entry that is not a change set (none is written so): it tells nothing about status.
        }

        return null;
    }

    private static ChecklistItemStatus StatusAt(TrackedItem item, List<StatusChange>? changes, DateTime end)
    {
        if (changes is null || changes.Count == 0)
        {
            return item.Status;
        }

        var last = changes.FindLastIndex(c => c.At < end);
        return last >= 0 ? changes[last].To : changes[0].From;
    }

    private static bool IsComplete(ChecklistItemStatus status) => status is ChecklistItemStatus.Done or ChecklistItemStatus.NotApplicable;

    internal sealed record TrackedItem(Guid Id, DateTime CreatedAt, ChecklistItemStatus Status);

    internal sealed record StatusChange(Guid ItemId, DateTime At, ChecklistItemStatus From, ChecklistItemStatus To);
}
