using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>An authenticator app in a few lines: RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) over a base32 key.</summary>
internal static class Totp
{
    private const int StepSeconds = 30;

    public static string Code(string base32Key, DateTimeOffset now, int stepOffset = 0)
    {
        var counter = (now.ToUnixTimeSeconds() / StepSeconds) + stepOffset;
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        var hash = HMACSHA1.HashData(FromBase32(base32Key), message);

        // RFC 4226 dynamic truncation.
        var offset = hash[^1] & 0x0F;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7FFFFFFF) % 1_000_000;
        return binary.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A six-digit code that no step within <paramref name="steps"/> of now accepts.</summary>
    public static string WrongCode(string base32Key, DateTimeOffset now, int steps = 4)
    {
        var valid = Enumerable.Range(-steps, (2 * steps) + 1).Select(i => Code(base32Key, now, i)).ToHashSet(StringComparer.Ordinal);
        var candidate = int.Parse(Code(base32Key, now), System.Globalization.CultureInfo.InvariantCulture);
        string wrong;
        do
        {
            candidate = (candidate + 123_457) % 1_000_000;
            wrong = candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (valid.Contains(wrong));

        return wrong;
    }

    private static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}
