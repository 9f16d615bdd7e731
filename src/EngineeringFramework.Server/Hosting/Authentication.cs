using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.ServiceAccounts;
using EngineeringFramework.Server.Identity.Tokens;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Deny by default: every endpoint requires an authenticated caller unless it explicitly allows anonymous
/// access (health, sign-in pages, OAuth metadata). Two ways in: an RS256 bearer token (REST API and MCP,
/// validated by <see cref="BearerTokenValidation"/>) or the UI's session cookie. A request that carries an
/// <c>Authorization</c> header, or targets <c>/api</c> or <c>/mcp</c>, is judged by a bearer scheme only, so
/// a browser's cookie never authenticates an API call (no CSRF surface on the API).
/// </summary>
internal static class Authentication
{
    public const string AppScheme = "App";
    public const string CookieScheme = "Identity.Application";
    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;
    public const string McpBearerScheme = "McpBearer";

    /// <summary>What the API's and the MCP server's policies authenticate with: a service account's token, or that surface's JWT.</summary>
    public const string ApiCredentialScheme = "ApiCredential";
    public const string McpCredentialScheme = "McpCredential";

    public static IServiceCollection AddAppAuthentication(this IServiceCollection services, ServerSettings server, IdentitySettings identity, IHostEnvironment environment)
    {
        var audiences = Audiences.From(server, identity);
        services.AddSingleton(audiences);

        var authentication = services.AddAuthentication(AppScheme)
            .AddPolicyScheme(AppScheme, "Bearer token or session cookie", o => o.ForwardDefaultSelector = SelectScheme)
            // One bearer scheme per surface, each accepting only its own audience: a token issued for the MCP server
            // fails authentication at the REST API (401), and the other way round.
            .AddJwtBearer(BearerScheme, o => BearerTokenValidation.Configure(o, audiences.Issuer, audiences.Api, identity, environment))
            .AddJwtBearer(McpBearerScheme, o => BearerTokenValidation.Configure(o, audiences.Issuer, audiences.Mcp, identity, environment))
            // A service account's token (efsa_…) works on both surfaces; anything else goes to the surface's JWT scheme.
            .AddScheme<AuthenticationSchemeOptions, ServiceAccountAuthenticationHandler>(ServiceAccountAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(ApiCredentialScheme, "Service account token or API bearer token", o => o.ForwardDefaultSelector = c => ServiceAccountAuthenticationHandler.Presents(c.Request) ? ServiceAccountAuthenticationHandler.SchemeName : BearerScheme)
            .AddPolicyScheme(McpCredentialScheme, "Service account token or MCP bearer token", o => o.ForwardDefaultSelector = c => ServiceAccountAuthenticationHandler.Presents(c.Request) ? ServiceAccountAuthenticationHandler.SchemeName : McpBearerScheme);
        if (identity.IsExternal)
        {
            // No local accounts: the session cookie is filled by the external provider's OIDC sign-in.
            authentication.AddCookie(CookieScheme, o =>
            {
                SessionCookie.Configure(o, environment);
                SessionCookie.RefuseSessionsOfDeletedAccounts(o);
            });
        }

        // AddIdentity (embedded mode) sets its own defaults; the app's selector stays the only default.
        services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o =>
        {
            o.DefaultScheme = AppScheme;
            o.DefaultAuthenticateScheme = AppScheme;
            o.DefaultChallengeScheme = AppScheme;
            o.DefaultForbidScheme = AppScheme;
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Audiences.ApiPolicy, p => p.AddAuthenticationSchemes(ApiCredentialScheme).RequireAuthenticatedUser())
            .AddPolicy(Audiences.McpPolicy, p => p.AddAuthenticationSchemes(McpCredentialScheme).RequireAuthenticatedUser());
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/mcp", StringComparison.OrdinalIgnoreCase))
        {
            return McpCredentialScheme;
        }

        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return ApiCredentialScheme;
        }

        // A service account's token opens only the API and the MCP server: elsewhere it is a bearer token like any other,
        // judged (and refused) by the JWT scheme, never by a cookie.
        return context.Request.Headers.Authorization.Count > 0 ? BearerScheme : CookieScheme;
    }

    /// <summary>
    /// <c>UseAuthentication</c>, except that the API and the MCP endpoint skip the request-handling schemes. Those
    /// (the embedded authority's OpenIddict server, external sign-in callbacks) each look at every request to see
    /// whether it is one of their endpoints, and none of their endpoints is under <c>/api</c> or <c>/mcp</c>; on the
    /// hottest paths that look was a measurable share of a request's CPU. Everything else goes through the framework's
    /// own middleware unchanged.
    /// </summary>
    public static IApplicationBuilder UseAppAuthentication(this IApplicationBuilder app)
    {
        // The framework's own marker for "authentication is in the pipeline". A branch's UseAuthentication does not set it
        // on the app (branches copy the app's properties), and without it WebApplication adds a second authentication
        // middleware in front of everything, forwarded headers included. A test checks authentication runs exactly once.
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        app.UseWhen(context => !IsBearerOnly(context.Request.Path), branch => branch.UseAuthentication());
        return app.UseWhen(context => IsBearerOnly(context.Request.Path), branch => branch.UseMiddleware<BearerOnlyAuthentication>());
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private static bool IsBearerOnly(PathString path)
        => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/mcp", StringComparison.OrdinalIgnoreCase);

    /// <summary>The default scheme's half of the framework's authentication middleware: authenticate, then set the user and the result.</summary>
    private sealed class BearerOnlyAuthentication(RequestDelegate next, IAuthenticationSchemeProvider schemes)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature { OriginalPath = context.Request.Path, OriginalPathBase = context.Request.PathBase });
            if (await schemes.GetDefaultAuthenticateSchemeAsync() is { } scheme)
            {
                var result = await context.AuthenticateAsync(scheme.Name);
                if (result.Principal is not null)
                {
                    context.User = result.Principal;
                }

                if (result.Succeeded)
                {
                    var features = new AuthenticatedFeatures(result);
                    context.Features.Set<IHttpAuthenticationFeature>(features);
                    context.Features.Set<IAuthenticateResultFeature>(features);
                }
            }

            await next(context);
        }
    }

    /// <summary>The result and the user it carries; setting another user drops the result, which no longer describes it.</summary>
    private sealed class AuthenticatedFeatures(AuthenticateResult result) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private AuthenticateResult? result = result;
        private ClaimsPrincipal? user = result.Principal;

        public AuthenticateResult? AuthenticateResult
        {
            get => result;
            set
            {
                result = value;
                user = value?.Principal;
            }
        }

        public ClaimsPrincipal? User
        {
            get => user;
            set
            {
                user = value;
                result = null;
            }
        }
    }
}
