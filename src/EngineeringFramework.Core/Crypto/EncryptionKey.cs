using System.Security.Cryptography;

namespace EngineeringFramework.Core.Crypto;

/// <summary>The 256-bit key for <see cref="SecretBox"/>, read only from <c>ENCRYPTION_KEY</c>.</summary>
public sealed class EncryptionKey
{
    public const int Size = 32;

    private readonly byte[] key;

    private EncryptionKey(byte[] key) => this.key = key;

    internal ReadOnlySpan<byte> Bytes => key;

    /// <summary>
    /// A key for one purpose, derived with HKDF-SHA256 under <paramref name="label"/>: the same <c>ENCRYPTION_KEY</c>
    /// always gives the same derived key (every instance agrees, restarts change nothing), while keys of different
    /// labels are unrelated, so a ciphertext sealed for one purpose can never be opened with another's key.
    /// </summary>
    public EncryptionKey Derive(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        return new EncryptionKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, key, Size, salt: [], info: System.Text.Encoding.UTF8.GetBytes(label)));
    }

    /// <summary>
    /// Accepts exactly 32 bytes written as 64 hexadecimal characters or as base64. Any other length is
    /// refused rather than stretched or truncated: a short key silently padded would be a weak key.
    /// </summary>
    public static bool TryParse(string? value, out EncryptionKey? key, out string? problem)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is not set; it must be 32 random bytes as 64 hex characters or base64 (for example: openssl rand -base64 32).";
            return false;
        }

        var text = value.Trim();
        byte[] bytes;
        if (text.Length == 64 && IsHex(text))
        {
            bytes = Convert.FromHexString(text);
        }
        else
        {
            var buffer = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, buffer, out var written))
            {
                problem = "is neither 64 hex characters nor valid base64.";
                return false;
            }

            bytes = buffer[..written];
        }

        if (bytes.Length != Size)
        {
            problem = $"decodes to {bytes.Length} bytes; it must be exactly {Size} bytes (256 bits).";
            CryptographicOperations.ZeroMemory(bytes);
            return false;
        }

        key = new EncryptionKey(bytes);
        problem = null;
        return true;
    }

    public static EncryptionKey Parse(string? value)
        => TryParse(value, out var key, out var problem) ? key! : throw new FormatException($"ENCRYPTION_KEY {problem}");

    /// <summary>A fresh random key, base64-encoded (for development key files and operators).</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size));

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
