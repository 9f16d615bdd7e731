using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Identity.Tokens;

/// <summary>
/// The bearer token handler of one surface (API or MCP), remembering for a short while the tokens it has fully
/// validated. An agent or an integration sends the same access token with every request for its whole lifetime; checking
/// its RS256 signature again each time was a measurable share of an API request's CPU. A token is remembered only after
/// passing every check of <see cref="BearerTokenValidation"/>, under the SHA-256 of its exact text (the token itself is not
/// kept), for at most <see cref="MaxAge"/> and never past its own expiry; anything else (a new token, an altered one, an
/// expired one) is validated in full. The price, accepted and bounded by <see cref="MaxAge"/>: a signing key withdrawn
/// from the issuer's key set stops its tokens here up to a minute later.
/// </summary>
internal sealed class RememberingTokenHandler(TimeProvider time) : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private const int Capacity = 10_000;

    private readonly MemoryCache validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = Key(token);
        var now = time.GetUtcNow();
        if (validated.TryGetValue(key, out Remembered? remembered) && now < remembered!.Until)
        {
            // Each request gets its own identity: a handler that adds claims must not add them to the next request's.
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = remembered.Identity.Clone(), SecurityToken = remembered.Token };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity)
        {
            var until = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            // Stryker disable once Equality : when equal, both branches give the same Until.
            if (until > now + MaxAge)
            {
                until = now + MaxAge;
            }

            // Stryker disable once Equality : an entry that expires now is never read, so keeping it changes nothing.
            if (until > now)
            {
                validated.Set(key, new Remembered(identity.Clone(), jwt, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
            }
        }

        return result;
    }

    private static string Key(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        // Stryker disable once all : stack or heap, the same bytes are hashed.
        var bytes = length <= 4096 ? stackalloc byte[length] : new byte[length];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
        return Convert.ToBase64String(hash);
    }

    private sealed record Remembered(System.Security.Claims.ClaimsIdentity Identity, JsonWebToken Token, DateTimeOffset Until);
}
