using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Accounts;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace EngineeringFramework.Server.Identity.External;

/// <summary>
/// External mode: the web UI signs in with the OIDC authorization code flow (PKCE) against <c>AUTH_AUTHORITY</c>
/// into the same session cookie, and the embedded authority does not exist. Its well-known paths are mapped to
/// an explicit 404 so no client mistakes this server for an issuer.
/// </summary>
internal static class ExternalAuthority
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    private static readonly string[] EmbeddedPaths =
    [
        // /connect/authorize and /connect/endsession are pages in both modes; they answer 404 themselves here.
        "/connect/token", "/connect/register", "/connect/revoke",
        "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks",
    ];

    public static IServiceCollection AddExternalAuthority(this IServiceCollection services, IdentitySettings identity, IHostEnvironment environment)
    {
        services.AddAuthentication().AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = identity.Authority!.AbsoluteUri;
            o.ClientId = identity.ClientId;
            o.ClientSecret = identity.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SignInScheme = Authentication.CookieScheme;
            o.SignOutScheme = Authentication.CookieScheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.RequireHttpsMetadata = !environment.IsDevelopment();
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.Scope.Add("email");
            o.TokenValidationParameters.NameClaimType = "email";
            o.CorrelationCookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.NonceCookie.SecurePolicy = o.CorrelationCookie.SecurePolicy;
        });
        services.AddHttpClient<IPasswordResetRequester, ExternalPasswordReset>().AddStandardResilienceHandler();
        return services;
    }

    public static IEndpointRouteBuilder MapExternalAuthority(this IEndpointRouteBuilder endpoints)
    {
        foreach (var path in EmbeddedPaths)
        {
            endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], () => Results.NotFound()).AllowAnonymous().DisableAntiforgery();
        }

        return endpoints;
    }
}
