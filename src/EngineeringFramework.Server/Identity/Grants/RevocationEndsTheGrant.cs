using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// The revocation endpoint (RFC 7009) ends the whole grant a token belongs to, as Revoke on Connected apps does: after
/// OpenIddict has marked the presented token revoked, its authorization and every other token issued under it are
/// revoked too.
/// </summary>
/// <remarks>
/// Why the whole grant: RFC 7009 says revoking a refresh token SHOULD also invalidate the access tokens of the same grant,
/// and MAY revoke the refresh token when an access token is presented. Our access tokens are self-contained JWTs, and
/// the one thing resource servers check about them beyond the signature is their authorization's status
/// (<see cref="GrantStanding"/>). So a revoked token can only stop working if its grant does; and a client that revokes
/// a token is signing out, which is what ending the grant means. The client can revoke only tokens issued to it
/// (OpenIddict checks the presenter before this runs).
/// </remarks>
internal sealed class RevocationEndsTheGrant(AccountRevocation revocation) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevocationEndsTheGrant>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        var principal = context.GenericTokenPrincipal;
        var authorizationId = principal?.GetAuthorizationId();
        var subject = principal?.GetClaim(Claims.Subject);
        if (string.IsNullOrEmpty(authorizationId) || string.IsNullOrEmpty(subject))
        {
            return;
        }

        await revocation.RevokeAuthorizationAsync(subject, authorizationId, context.CancellationToken);
    }
}
