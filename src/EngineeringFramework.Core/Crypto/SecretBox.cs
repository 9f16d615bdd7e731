using System.Security.Cryptography;
using System.Text;

namespace EngineeringFramework.Core.Crypto;

/// <summary>
/// Authenticated encryption of stored secrets (GitHub tokens, webhook secrets) with AES-256-GCM.
/// </summary>
/// <remarks>
/// Format, version 1: <c>[0x01][12-byte nonce][ciphertext][16-byte tag]</c>. The nonce is fresh from the
/// CSPRNG for every encryption: with random 96-bit nonces, one key can safely seal far more secrets than
/// this product will ever store. The associated data binds a ciphertext to its owner (e.g. the
/// organization id) and purpose (e.g. "github-token"), so a ciphertext copied into another row or used
/// for another purpose fails authentication instead of decrypting. The version byte lets a later format
/// (or key rotation) coexist with stored values.
/// </remarks>
public sealed class SecretBox(EncryptionKey key)
{
    public const byte FormatVersion = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize;

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string owner, string purpose)
    {
        var sealedValue = new byte[HeaderSize + plaintext.Length + TagSize];
        sealedValue[0] = FormatVersion;
        var nonce = sealedValue.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(key.Bytes, TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            sealedValue.AsSpan(HeaderSize, plaintext.Length),
            sealedValue.AsSpan(HeaderSize + plaintext.Length, TagSize),
            AssociatedData(owner, purpose));
        return sealedValue;
    }

    public byte[] Seal(string plaintext, string owner, string purpose)
        => Seal(Encoding.UTF8.GetBytes(plaintext), owner, purpose);

    /// <exception cref="SecretBoxException">The value is malformed, of an unknown version, tampered with, or bound to another owner or purpose.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedValue, string owner, string purpose)
    {
        if (sealedValue.Length < HeaderSize + TagSize)
        {
            throw new SecretBoxException("The sealed value is too short.");
        }

        if (sealedValue[0] != FormatVersion)
        {
            throw new SecretBoxException($"Unknown sealed value format version {sealedValue[0]}.");
        }

        var cipherLength = sealedValue.Length - HeaderSize - TagSize;
        var plaintext = new byte[cipherLength];
        using var aes = new AesGcm(key.Bytes, TagSize);
        try
        {
            aes.Decrypt(
                sealedValue.Slice(1, NonceSize),
                sealedValue.Slice(HeaderSize, cipherLength),
                sealedValue.Slice(HeaderSize + cipherLength, TagSize),
                plaintext,
                AssociatedData(owner, purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            // One message for every cause: an attacker learns nothing about which part failed.
            throw new SecretBoxException("The sealed value failed authentication.");
        }

        return plaintext;
    }

    public string OpenString(ReadOnlySpan<byte> sealedValue, string owner, string purpose)
        => Encoding.UTF8.GetString(Open(sealedValue, owner, purpose));

    // Length-prefixed fields, so ("a|b", "c") and ("a", "b|c") can never produce the same bytes.
    private static byte[] AssociatedData(string owner, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var ownerBytes = Encoding.UTF8.GetBytes(owner);
        var purposeBytes = Encoding.UTF8.GetBytes(purpose);
        var data = new byte[1 + 4 + ownerBytes.Length + 4 + purposeBytes.Length];
        data[0] = FormatVersion;
        BitConverter.TryWriteBytes(data.AsSpan(1, 4), ownerBytes.Length);
        ownerBytes.CopyTo(data, 5);
        BitConverter.TryWriteBytes(data.AsSpan(5 + ownerBytes.Length, 4), purposeBytes.Length);
        purposeBytes.CopyTo(data, 9 + ownerBytes.Length);
        return data;
    }
}

public sealed class SecretBoxException(string message) : Exception(message);
