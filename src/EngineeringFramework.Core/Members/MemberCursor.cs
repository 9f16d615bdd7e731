using System.Buffers.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// Keyset position in the member list (display name, then user id). Opaque to callers; it carries no
/// organization, so a cursor used in another organization only positions within that one's members.
/// </summary>
internal sealed record MemberCursor(string DisplayName, Guid UserId)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static bool TryDecode(string value, out MemberCursor? cursor)
    {
        cursor = null;
        try
        {
            cursor = JsonSerializer.Deserialize<MemberCursor>(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        return cursor is { DisplayName: not null } && cursor.UserId != Guid.Empty;
    }
}
