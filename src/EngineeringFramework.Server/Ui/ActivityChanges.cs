using System.Text.Json;
using EngineeringFramework.Core.Activity;

namespace EngineeringFramework.Server.Ui;

/// <summary>One field's change in an activity entry, as text.</summary>
public sealed record ActivityChange(string Field, string From, string To);

/// <summary>Reads an entry's <c>{ field: { from, to } }</c> object for display; anything else shows as it is.</summary>
public static class ActivityChanges
{
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
            var from = field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("from", out var f) ? Text(f) : string.Empty;
            var to = field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("to", out var t) ? Text(t) : Text(field.Value);
            changes.Add(new ActivityChange(field.Name, from, to));
        }

        return changes;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "(none)",
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Text)),
        _ => value.ToString(),
    };
}
