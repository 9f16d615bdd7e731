using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// A refresh token or an authorization code presented again after it was redeemed means two parties hold it (RFC 9700
/// §4.14.2 for refresh tokens; §4.2.4 and OAuth 2.1 §4.1.3 for codes, which "SHOULD" revoke the tokens the code
/// earned): the whole grant ends, its authorization included, so that the access tokens already issued under it stop
/// working too (within <see cref="GrantStanding.Recheck"/>), not only the refresh tokens.
/// </summary>
/// <remarks>
/// OpenIddict, on its own, revokes every token of the authorization when it sees the replay but keeps the authorization
/// valid; since our resource servers judge self-contained access tokens by their authorization's status, the access
/// token of the first redemption (the thief's, or the one the thief's replay should invalidate) would then live out its
/// 15 minutes. This runs just before OpenIddict's own check of the token entry (which then refuses the request as usual).
/// Refresh tokens rotate with no leeway here and a code redeems once, so any redeemed one presented again is a replay;
/// the person approves the client again on its next sign-in.
/// </remarks>
internal sealed class ReplayEndsTheGrant(IOpenIddictTokenManager tokens, AccountRevocation revocation) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<ReplayEndsTheGrant>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (string.IsNullOrEmpty(context.TokenId)
            || string.IsNullOrEmpty(context.AuthorizationId)
            || context.Principal is null
            || !(context.Principal.HasTokenType(TokenTypeIdentifiers.RefreshToken)
                || context.Principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode)))
        {
            return;
        }

        var token = await tokens.FindByIdAsync(context.TokenId, context.CancellationToken);
        var subject = context.Principal.GetClaim(Claims.Subject);
        if (token is null || string.IsNullOrEmpty(subject) || !await tokens.HasStatusAsync(token, Statuses.Redeemed, context.CancellationToken))
        {
            return;
        }

        await revocation.RevokeAuthorizationAsync(subject, context.AuthorizationId, context.CancellationToken);
    }
}
