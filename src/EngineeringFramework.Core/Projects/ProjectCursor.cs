using System.Buffers.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.Projects;

/// <summary>
/// Keyset position in the project list (name, then id). Opaque to callers; it carries no organization,
/// so a cursor used in another organization only positions within that one's projects.
/// </summary>
internal sealed record ProjectCursor(string Name, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static bool TryDecode(string value, out ProjectCursor? cursor)
    {
        cursor = null;
        try
        {
            cursor = JsonSerializer.Deserialize<ProjectCursor>(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        return cursor is { Name: not null } && cursor.Id != Guid.Empty;
    }
}
