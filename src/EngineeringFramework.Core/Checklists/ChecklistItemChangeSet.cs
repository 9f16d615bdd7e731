using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// Applies a requested state to an item and records what changed as <c>{"field":{"from":…,"to":…}}</c>
/// for the activity history, only for the fields that actually changed.
/// </summary>
internal static class ChecklistItemChangeSet
{
    /// <summary>
    /// Long text is shortened in the history (the item itself keeps it whole): notes and twenty links on both
    /// sides would otherwise outgrow the history column.
    /// </summary>
    private const int HistoryTextLength = 500;

    private const int HistoryLinkLength = 200;

    /// <summary>The size of <c>ActivityEntry.ChangesJson</c>.</summary>
    private const int HistoryJsonLength = 40_000;

    /// <summary>
    /// The JSON is stored and read back as data, never written into a page as is, so only what JSON itself
    /// requires is escaped (non-ASCII text stays one character, keeping entries well under the column size).
    /// </summary>
    private static readonly JsonSerializerOptions HistoryJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <returns>The changes, empty when the request matches the item's current state (then nothing is touched).</returns>
    public static JsonObject Apply(ChecklistItem item, IChecklistItemChange change, DateTime now)
    {
        var changes = new JsonObject();
        var reason = change.Status == ChecklistItemStatus.NotApplicable ? change.NotApplicableReason?.Trim() : null;
        var notes = string.IsNullOrWhiteSpace(change.Notes) ? null : change.Notes;
        var links = change.EvidenceLinks?.ToList() ?? [];

        if (item.Status != change.Status)
        {
            changes["status"] = FromTo(item.Status.ToString(), change.Status.ToString());
            item.ChangeStatus(change.Status, now);
        }

        if (item.NotApplicableReason != reason)
        {
            changes["notApplicableReason"] = FromTo(Shorten(item.NotApplicableReason), Shorten(reason));
            item.NotApplicableReason = reason;
        }

        if (item.Notes != notes)
        {
            changes["notes"] = FromTo(Shorten(item.Notes), Shorten(notes));
            item.Notes = notes;
        }

        if (item.AssigneeUserId != change.AssigneeUserId)
        {
            changes["assigneeUserId"] = FromTo(item.AssigneeUserId?.ToString(), change.AssigneeUserId?.ToString());
            item.AssigneeUserId = change.AssigneeUserId;
        }

        if (item.DueDate != change.DueDate)
        {
            changes["dueDate"] = FromTo(Date(item.DueDate), Date(change.DueDate));
            item.DueDate = change.DueDate;
        }

        if (!item.EvidenceLinks.SequenceEqual(links, StringComparer.Ordinal))
        {
            changes["evidenceLinks"] = new JsonObject
            {
                ["from"] = new JsonArray([.. item.EvidenceLinks.Select(l => JsonValue.Create(Shorten(l, HistoryLinkLength)))]),
                ["to"] = new JsonArray([.. links.Select(l => JsonValue.Create(Shorten(l, HistoryLinkLength)))]),
            };
            item.EvidenceLinks = links;
        }

        return changes;
    }

    /// <summary>The changes as stored; should pathological links still not fit, they are recorded by count.</summary>
    public static string ToJson(JsonObject changes)
    {
        var json = changes.ToJsonString(HistoryJson);
        if (json.Length > HistoryJsonLength && changes["evidenceLinks"] is JsonObject links)
        {
            changes["evidenceLinks"] = new JsonObject { ["fromCount"] = links["from"]!.AsArray().Count, ["toCount"] = links["to"]!.AsArray().Count };
            json = changes.ToJsonString(HistoryJson);
        }

        return json;
    }

    internal static JsonObject FromTo(string? from, string? to) => new() { ["from"] = from, ["to"] = to };

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string? Shorten(string? text, int length = HistoryTextLength)
    {
        if (text is null || text.Length <= length)
        {
            return text;
        }

        // Never cut between the two halves of a surrogate pair.
        var cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
