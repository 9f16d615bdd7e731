using EngineeringFramework.Core.Data.Signals;
using OpenIddict.Abstractions;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// Ends what a person granted to applications: every authorization (consent) and every token issued under it. Refresh
/// tokens and authorization codes are refused at once (OpenIddict checks their stored entry and authorization when they
/// are redeemed); access tokens are refused by <see cref="GrantStanding"/> at their next use here, and on other instances
/// once they hear the signal (PostgreSQL <c>NOTIFY</c>; at the latest within <see cref="GrantStanding.Recheck"/>). Browser sessions are not this class's business: they end
/// when the account's security stamp changes, which the account pages do where the event calls for it.
/// </summary>
internal sealed class AccountRevocation(IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, ClusterSignals signals)
{
    /// <summary>Every grant of the account: password reset or change, sign-out everywhere, 2FA change, lockout, deletion.</summary>
    public async Task RevokeAllAsync(string subject, CancellationToken cancellationToken)
    {
        await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        await signals.PublishAsync([CacheSignal.Grants], cancellationToken);
    }

    /// <summary>
    /// One connected application's grant, and only if it belongs to <paramref name="subject"/> (someone else's id is
    /// treated as unknown). Returns false when there was nothing of the caller's to revoke.
    /// </summary>
    public async Task<bool> RevokeAuthorizationAsync(string subject, string authorizationId, CancellationToken cancellationToken)
    {
        var authorization = await authorizations.FindByIdAsync(authorizationId, cancellationToken);
        if (authorization is null || await authorizations.GetSubjectAsync(authorization, cancellationToken) != subject)
        {
            return false;
        }

        await authorizations.TryRevokeAsync(authorization, cancellationToken);
        await tokens.RevokeByAuthorizationIdAsync(authorizationId, cancellationToken);
        await signals.PublishAsync([CacheSignal.Grants], cancellationToken);
        return true;
    }
}
