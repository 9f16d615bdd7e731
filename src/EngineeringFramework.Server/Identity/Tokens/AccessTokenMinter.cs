using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Identity.Tokens;

/// <summary>
/// Mints an access token with the embedded authority's current key, outside any OAuth flow: for operators
/// (<c>admin token</c>) and tests. Same shape as the authority's own tokens (typ at+jwt, iss, sub, aud, email).
/// </summary>
internal sealed class AccessTokenMinter(SigningKeys keys, Audiences audiences, TimeProvider time)
{
    public string Mint(string subject, string? email, string audience, TimeSpan lifetime)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString("N") };
        if (!string.IsNullOrEmpty(email))
        {
            claims["email"] = email;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = audiences.Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = keys.CurrentCredentials,
        });
    }
}
