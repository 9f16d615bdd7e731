using System.Text.Json;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Server.Ui.Shared;

namespace EngineeringFramework.Server.Ui;

/// <summary>One field's change in an activity entry, as text.</summary>
public sealed record ActivityChange(string Field, string From, string To);

/// <summary>Reads an entry's <c>{ field: { from, to } }</c> object for display; anything else shows as it is.</summary>
public static class ActivityChanges
{
    /// <summary>The fields an agent's sign-off entry records for its sentence (<see cref="Summary"/>), not listed again as changes.</summary>
    private static readonly HashSet<string> SignOffFields = new(StringComparer.Ordinal) { "awaitingConfirmation", "requestedBy", "agent", "comment" };

    /// <summary>
    /// What an agent's sign-off entry did, in words ("asked for confirmation of Done", "confirmed Done requested by
    /// claude-code", "sent back Done: comment"); null for every other action, whose changes say it all.
    /// </summary>
    public static string? Summary(ActivityEntryView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Action == Core.Evidence.EvidenceCheckRunner.EvidenceChangedAction)
        {
            return "found that a GitHub file given as evidence changed since it was accepted";
        }

        if (!IsSignOff(entry) || entry.Changes.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var confirmed = entry.Action == SignOffService.ConfirmedAction;
        var status = StatusWords(Value(entry, "awaitingConfirmation", entry.Action == ChecklistService.ConfirmationRequestedAction ? "to" : "from"));
        return entry.Action switch
        {
            ChecklistService.ConfirmationRequestedAction => $"asked for confirmation of {status}",
            _ when confirmed => $"confirmed {status} requested by {Value(entry, "agent", "to") ?? "an agent"}"
                + (Value(entry, "comment", "to") is { } note ? $": {note}" : string.Empty),
            _ => $"sent back {status}" + (Value(entry, "comment", "to") is { } comment ? $": {comment}" : string.Empty),
        };
    }

    public static IReadOnlyList<ActivityChange> Of(ActivityEntryView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Changes.ValueKind != JsonValueKind.Object)
        {
            return [new ActivityChange(entry.Action, string.Empty, entry.Changes.ToString())];
        }

        var changes = new List<ActivityChange>();
        foreach (var field in entry.Changes.EnumerateObject())
        {
            if (IsSignOff(entry) && SignOffFields.Contains(field.Name))
            {
                continue;
            }

            var from = field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("from", out var f) ? Text(f) : string.Empty;
            var to = field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("to", out var t) ? Text(t) : Text(field.Value);
            changes.Add(new ActivityChange(field.Name, from, to));
        }

        return changes;
    }

    private static bool IsSignOff(ActivityEntryView entry)
        => entry.Action is ChecklistService.ConfirmationRequestedAction or SignOffService.ConfirmedAction or SignOffService.SentBackAction;

    private static string? Value(ActivityEntryView entry, string field, string side)
        => entry.Changes.TryGetProperty(field, out var change) && change.ValueKind == JsonValueKind.Object
            && change.TryGetProperty(side, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A status as the pages name it; anything else (an older or unknown value) as recorded.</summary>
    private static string StatusWords(string? status)
        => Enum.TryParse<ChecklistItemStatus>(status, out var parsed) && Enum.IsDefined(parsed) ? StatusText.Of(parsed) : status ?? "a status";

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "(none)",
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Text)),
        _ => value.ToString(),
    };
}
