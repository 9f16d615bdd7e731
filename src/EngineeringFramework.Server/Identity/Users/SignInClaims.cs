using System.Security.Claims;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Identity.Grants;

namespace EngineeringFramework.Server.Identity.Users;

/// <summary>
/// Reads a validated principal (bearer token or session) into Core's <see cref="SignInIdentity"/>: the subject, the
/// address and whether the issuer vouches for it (<see cref="EmailClaim"/>), the name and the issue time. Every surface
/// reads callers this way and hands the result to Core's <see cref="Core.UseCases.CurrentCaller"/>.
/// </summary>
internal sealed class SignInClaims(IdentitySettings identity)
{
    public SignInIdentity Read(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;
        var address = principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email);

        // External providers: a JSON boolean arrives as "true", some send the string "true"; nothing else counts.
        var verified = principal.FindFirstValue("email_verified") is { } text ? string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) : (bool?)null;
        // A service account's token is the one credential of its kind; its handler is the only one that makes this identity.
        var serviceAccount = principal.Identities.Count() == 1 && principal.Identity?.AuthenticationType == ServiceAccounts.ServiceAccountAuthenticationHandler.SchemeName;
        return new SignInIdentity(subject, EmailClaim.From(address, verified, identity.IsExternal), principal.FindFirstValue("name"), IssuedAt.Of(principal), serviceAccount);
    }
}
