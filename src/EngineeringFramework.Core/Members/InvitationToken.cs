using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EngineeringFramework.Core.Members;

/// <summary>Invitation secrets: 256 random bits, base64url in the link, only their SHA-256 at rest.</summary>
internal static class InvitationToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256 of the token's UTF-8 bytes, exactly as it appears in the link.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
