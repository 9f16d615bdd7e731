using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Tokens;
using Microsoft.AspNetCore.Authentication.JwtBearer;
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

    public static IServiceCollection AddAppAuthentication(this IServiceCollection services, ServerSettings server, IdentitySettings identity, IHostEnvironment environment)
    {
        var audiences = Audiences.From(server, identity);
        services.AddSingleton(audiences);

        var authentication = services.AddAuthentication(AppScheme)
            .AddPolicyScheme(AppScheme, "Bearer token or session cookie", o => o.ForwardDefaultSelector = SelectScheme)
            // One bearer scheme per surface, each accepting only its own audience: a token issued for the MCP server
            // fails authentication at the REST API (401), and the other way round.
            .AddJwtBearer(BearerScheme, o => BearerTokenValidation.Configure(o, audiences.Issuer, audiences.Api, identity, environment))
            .AddJwtBearer(McpBearerScheme, o => BearerTokenValidation.Configure(o, audiences.Issuer, audiences.Mcp, identity, environment));
        if (identity.IsExternal)
        {
            // No local accounts: the session cookie is filled by the external provider's OIDC sign-in.
            authentication.AddCookie(CookieScheme, o => SessionCookie.Configure(o, environment));
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
            .AddPolicy(Audiences.ApiPolicy, p => p.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser())
            .AddPolicy(Audiences.McpPolicy, p => p.AddAuthenticationSchemes(McpBearerScheme).RequireAuthenticatedUser());
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/mcp", StringComparison.OrdinalIgnoreCase))
        {
            return McpBearerScheme;
        }

        return context.Request.Headers.Authorization.Count > 0 || path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            ? BearerScheme
            : CookieScheme;
    }
}
