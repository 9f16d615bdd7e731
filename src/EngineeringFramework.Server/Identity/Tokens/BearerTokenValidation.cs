using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Identity.Tokens;

/// <summary>
/// How API and MCP callers' tokens are judged. Every check is on and explicit: RS256 only (so neither
/// <c>alg: none</c> nor an HMAC keyed with the public key can pass), the issuer and this surface's own
/// audience required, lifetime enforced with a small skew, keys only from the issuer's JWKS. Claims keep
/// their JWT names (<c>sub</c>, <c>aud</c>), and the token is read from the <c>Authorization</c> header only:
/// query strings end up in logs, proxies and browser history.
/// </summary>
internal static class BearerTokenValidation
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static void Configure(JwtBearerOptions options, string issuer, string audience, IdentitySettings identity, IHostEnvironment environment)
    {
        // Stryker disable once all : equivalent, the handler list is cleared below and its only handler maps no claims itself.
        options.MapInboundClaims = false;
        // Stryker disable once all : equivalent to the caller, a saved token would sit unused in the authentication properties.
        options.SaveToken = false;
        options.IncludeErrorDetails = false;
        options.RequireHttpsMetadata = !environment.IsDevelopment();
        if (identity.IsExternal)
        {
            // The provider's discovery document and JWKS; the configuration manager refetches them when a
            // token names a kid it does not know, which is how the provider's key rotation reaches us.
            options.Authority = identity.Authority!.AbsoluteUri;
        }

        options.RefreshOnIssuerKeyNotFound = true;

        // Same validation as the default handler, remembered briefly per exact token (see RememberingTokenHandler).
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new RememberingTokenHandler(TimeProvider.System) { MapInboundClaims = false });
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = issuer,
            ValidateAudience = true,
            RequireAudience = true,
            ValidAudience = audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            // Stryker disable once all : equivalent here, it checks certificate lifetimes and the keys are bare RSA keys from the JWKS.
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            NameClaimType = "email",
            RoleClaimType = "role",
        };

        // A valid signature is not enough: the grant behind the token must still stand (revoked connected apps and account
        // events end embedded access tokens before they expire), and in both modes a deleted account's earlier tokens are
        // refused (see GrantStanding).
        options.Events = new JwtBearerEvents { OnTokenValidated = RefuseRevokedGrantAsync };

        // Deliberately no OnMessageReceived handler: the default reads the Authorization header only, so a
        // token placed in the query string (?access_token=) is never considered.
    }

    private static async Task RefuseRevokedGrantAsync(TokenValidatedContext context)
    {
        var standing = context.HttpContext.RequestServices.GetRequiredService<Grants.GrantStanding>();
        if (!await standing.StandsAsync(context.Principal!, context.HttpContext.RequestAborted))
        {
            // Stryker disable once String : the reason is logged, never sent; the challenge hides it on purpose.
            context.Fail("The grant behind this token was revoked, or its account deleted.");
        }
    }
}
