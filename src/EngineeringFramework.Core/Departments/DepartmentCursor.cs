using System.Buffers.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.Departments;

/// <summary>
/// Keyset position in the department list (name, then id). Opaque to callers; it carries no organization,
/// so a cursor used in another organization only positions within that one's departments.
/// </summary>
internal sealed record DepartmentCursor(string Name, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static bool TryDecode(string value, out DepartmentCursor? cursor)
    {
        cursor = null;
        try
        {
            cursor = JsonSerializer.Deserialize<DepartmentCursor>(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        return cursor is { Name: not null } && cursor.Id != Guid.Empty;
    }
}
