using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using EngineeringFramework.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// The token endpoint's half of the OpenIddict flow (OpenIddict validates each request before it gets here: the code's
/// PKCE verifier and redirect URI, the refresh token's rotation, and that the authorization behind either is still
/// valid). The authorization and end-session endpoints are pages (Pages/Connect), since people see them.
/// </summary>
internal static class AuthorityEndpoints
{
    public static IEndpointRouteBuilder MapAuthorityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + EmbeddedAuthority.TokenPath, TokenAsync).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> TokenAsync(HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
        }

        if (request.GetResources().Length > 1)
        {
            return Forbid(Errors.InvalidTarget, "Name exactly one resource: the REST API or the MCP server.");
        }

        // The principal stored in the code or refresh token; the account is looked up again so that a deleted,
        // locked or unconfirmed account stops getting tokens at its next refresh.
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await users.FindByIdAsync(subject);
        if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
        {
            return Forbid(Errors.InvalidGrant, "The token is no longer valid.");
        }

        var identity = AuthorityClaims.For(user, result.Principal!.GetScopes(), result.Principal!.GetResources());

        // The new tokens stay attached to the person's approval, so revoking it (or an account event) ends them too.
        identity.SetAuthorizationId(result.Principal!.GetAuthorizationId());
        return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
