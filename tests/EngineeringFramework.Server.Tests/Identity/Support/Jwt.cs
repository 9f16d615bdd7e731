using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>Hand-built JWTs, so a test can forge exactly the header, payload and signature an attacker would.</summary>
internal static class Jwt
{
    public static string Create(IReadOnlyDictionary<string, object?> header, IReadOnlyDictionary<string, object?> payload, Func<byte[], byte[]>? sign)
    {
        var input = Segment(header) + "." + Segment(payload);
        var signature = sign is null ? string.Empty : Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(input)));
        return input + "." + signature;
    }

    public static string Segment(IReadOnlyDictionary<string, object?> values) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(values));

    public static Func<byte[], byte[]> Rs256(RSA key) => data => key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public static Func<byte[], byte[]> Hs256(byte[] key) => data => HMACSHA256.HashData(key, data);

    public static Dictionary<string, object?> Header(string alg, string? kid) => new() { ["alg"] = alg, ["typ"] = "at+jwt", ["kid"] = kid };

    public static Dictionary<string, object?> Claims(string issuer, string? audience, DateTimeOffset now, TimeSpan? notBefore = null, TimeSpan? expires = null, string subject = "forged-subject")
    {
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["email"] = subject + "@example.test",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = (now + (notBefore ?? TimeSpan.FromSeconds(-5))).ToUnixTimeSeconds(),
            ["exp"] = (now + (expires ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds(),
        };
        if (audience is not null)
        {
            claims["aud"] = audience;
        }

        return claims;
    }
}
