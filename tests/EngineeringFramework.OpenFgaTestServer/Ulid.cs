using System.Security.Cryptography;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>
/// Ids in OpenFGA's form: a ULID, 26 characters of Crockford base32 (48 bits of milliseconds, then 80 random bits),
/// so clients that check the id's shape accept ours.
/// </summary>
internal static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var value = (UInt128)(ulong)now.ToUnixTimeMilliseconds() << 80;
        for (var i = 0; i < random.Length; i++)
        {
            value |= (UInt128)random[i] << (8 * (random.Length - 1 - i));
        }

        Span<char> text = stackalloc char[26];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = Alphabet[(int)((value >> (125 - (5 * i))) & 31)];
        }

        return new string(text);
    }

    public static bool IsValid(string text) =>
        text.Length == 26 && text[0] <= '7' && text.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
