using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Core.Crypto;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// OpenIddict encrypts what only it reads back (authorization codes, refresh tokens). Their key is derived with
/// HKDF from <c>ENCRYPTION_KEY</c> under its own label: stable across restarts and instances (outstanding refresh
/// tokens keep working), independent of the signing key (rotating that does not void refresh tokens), and never
/// the same bytes as the key that seals stored secrets.
/// </summary>
internal sealed class TokenEncryptionKey(EncryptionKey root)
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("engineering-framework/openiddict/token-encryption/v1");

    public EncryptingCredentials Credentials { get; } = new(
        new SymmetricSecurityKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, root.Bytes.ToArray(), 32, salt: [], info: Label)),
        SecurityAlgorithms.Aes256KW,
        SecurityAlgorithms.Aes256CbcHmacSha512);
}
