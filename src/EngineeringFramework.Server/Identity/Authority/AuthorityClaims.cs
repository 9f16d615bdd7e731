using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// The claims the embedded authority puts in its tokens, and nothing else: <c>sub</c> (the account id, which
/// the product uses as <c>User.AuthSubject</c>), <c>email</c> and <c>name</c>. Identity's internal claims
/// (security stamp, authentication method) never leave the process.
/// </summary>
internal static class AuthorityClaims
{
    public static ClaimsIdentity For(IdentityUser user, IEnumerable<string> scopes, IEnumerable<string> resources)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.UserName);
        identity.SetScopes(scopes);
        identity.SetResources(resources);

        var granted = identity.GetScopes();
        identity.SetDestinations(claim => claim.Type switch
        {
            // The API creates the product's user row from sub + email, so the access token always carries both.
            Claims.Email when granted.Contains(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Name when granted.Contains(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Subject or Claims.Email or Claims.Name => [Destinations.AccessToken],
            _ => [],
        });
        return identity;
    }
}
