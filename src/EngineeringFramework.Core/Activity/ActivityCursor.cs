using System.Buffers.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.Activity;

/// <summary>Keyset position in an activity list (newest first: time, then id). Opaque to callers.</summary>
internal sealed record ActivityCursor(DateTime At, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static bool TryDecode(string value, out ActivityCursor? cursor)
    {
        cursor = null;
        try
        {
            cursor = JsonSerializer.Deserialize<ActivityCursor>(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        if (cursor is null || cursor.Id == Guid.Empty)
        {
            return false;
        }

        // Times are stored as UTC; SQLite reads them back unspecified and PostgreSQL insists on UTC parameters.
        cursor = cursor with { At = cursor.At.Kind == DateTimeKind.Local ? cursor.At.ToUniversalTime() : DateTime.SpecifyKind(cursor.At, DateTimeKind.Utc) };
        return true;
    }
}
