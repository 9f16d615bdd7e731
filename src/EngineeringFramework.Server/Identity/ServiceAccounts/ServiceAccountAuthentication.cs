using System.Security.Claims;
using System.Text.Encodings.Web;
using EngineeringFramework.Core.ServiceAccounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Identity.ServiceAccounts;

/// <summary>
/// Authenticates <c>Authorization: Bearer efsa_…</c>, a service account's token, on the REST API and the MCP server. The
/// token is looked up on every request (<see cref="ServiceAccountTokens"/>), so revocation and expiry hold at once on every
/// instance. The principal names the account's user by its subject, as a JWT names a person; <see cref="Users.SignInClaims"/>
/// marks it as a service account's, and only such a principal may resolve to a service account's user.
/// </summary>
internal sealed class ServiceAccountAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ServiceAccountToken";
    public const string ServiceAccountClaim = "ef_service_account";
    public const string OrganizationClaim = "ef_organization";

    /// <summary>Whether the request presents a service account's token (and so belongs to this scheme, not the JWT ones).</summary>
    public static bool Presents(HttpRequest request) => Secret(request) is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Secret(Request) is not { } secret)
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await Context.RequestServices.GetRequiredService<ServiceAccountTokens>().AuthenticateAsync(secret, Context.RequestAborted);
        if (identity is null)
        {
            // No detail: unknown, revoked, expired and deleted are one answer to whoever holds the string.
            return AuthenticateResult.Fail("The service account token is not valid.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim("sub", identity.Subject),
                new Claim("name", identity.Name),
                new Claim(ServiceAccountClaim, identity.ServiceAccountId.ToString()),
                new Claim(OrganizationClaim, identity.OrganizationId.ToString()),
            ],
            SchemeName,
            "name",
            null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var header = "Bearer error=\"invalid_token\"";
        if (Request.Path.StartsWithSegments("/mcp", StringComparison.OrdinalIgnoreCase))
        {
            // The MCP server's 401 always points at its protected resource metadata (as the JWT scheme's does).
            header = $"Bearer resource_metadata=\"{Mcp.ProtectedResourceMetadata.Url(Context.RequestServices.GetRequiredService<Audiences>())}\", error=\"invalid_token\"";
        }

        Response.Headers.WWWAuthenticate = header;
        return Task.CompletedTask;
    }

    private static string? Secret(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var secret = value.AsSpan("Bearer ".Length).Trim();
        return ServiceAccountTokenSecret.LooksLikeOne(secret) ? secret.ToString() : null;
    }
}
