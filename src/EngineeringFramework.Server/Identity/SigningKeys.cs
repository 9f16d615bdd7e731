using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// The embedded authority's RSA keys: the current one signs; the previous one (during a rotation) is only
/// published in the JWKS and accepted, so tokens issued before the switch stay valid until they expire or the
/// operator removes the old key. Key ids are RFC 7638 thumbprints, so a kid always names the same key.
/// </summary>
internal sealed class SigningKeys : IDisposable
{
    private readonly List<RSA> owned = [];

    public SigningKeys(string currentPem, string? previousPem)
    {
        Current = Load(currentPem);
        Previous = previousPem is null ? null : Load(previousPem);
    }

    public RsaSecurityKey Current { get; }

    public RsaSecurityKey? Previous { get; }

    public IEnumerable<RsaSecurityKey> All => Previous is null ? [Current] : [Current, Previous];

    /// <summary>Public halves only: what verification (and the JWKS) needs, nothing that could sign.</summary>
    public IReadOnlyList<SecurityKey> PublicKeys => [.. All.Select(k => new RsaSecurityKey(k.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = k.KeyId })];

    public SigningCredentials CurrentCredentials => new(Current, SecurityAlgorithms.RsaSha256);

    public static string KeyIdOf(RsaSecurityKey key) => Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());

    private RsaSecurityKey Load(string pem)
    {
        var rsa = RSA.Create();
        owned.Add(rsa);
        rsa.ImportFromPem(pem);
        var key = new RsaSecurityKey(rsa);
        key.KeyId = KeyIdOf(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)));
        return key;
    }

    public void Dispose()
    {
        foreach (var rsa in owned)
        {
            rsa.Dispose();
        }
    }
}
