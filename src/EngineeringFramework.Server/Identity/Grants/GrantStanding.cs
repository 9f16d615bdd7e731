using System.Security.Claims;
using EngineeringFramework.Core.Data.Signals;
using EngineeringFramework.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// Whether what stands behind a validated access token (or an external-mode browser session) still stands. Access tokens
/// are self-contained JWTs, valid until they expire, so a revoked grant or a deleted account would otherwise keep working
/// for up to that long.
/// <list type="bullet">
/// <item>Embedded mode: every token the authority issues names its authorization (<c>oi_au_id</c>); the token is refused
/// once that authorization is no longer valid (revoked from Connected apps, or by an account event such as a password
/// change or account deletion).</item>
/// <item>Tokens without an authorization (embedded: <c>admin token</c> and tests, which only holders of the signing key
/// mint) and every token in external mode are judged by their account: refused while a local account is locked out, and
/// refused when their subject's account was deleted (<see cref="Core.Users.DeletedAccount"/>) and the token was issued at
/// or before the deletion. An external provider keeps issuing tokens for its accounts whatever this product does, so a
/// token issued after the deletion is a new sign-in and starts afresh with an empty product user.</item>
/// </list>
/// </summary>
/// <remarks>
/// The verdict is remembered per authorization (or account) for at most <see cref="Recheck"/>, bounded in number: one
/// cached lookup per request, and one database lookup per grant and window. A revocation or deletion in this process
/// forgets every verdict at once (<see cref="ForgetAll"/>), and so does every other instance when it hears the signal
/// (<see cref="ClusterSignals"/>, PostgreSQL <c>NOTIFY</c>, after the commit). An instance that missed the signal (its
/// listening connection was down) judges afresh within <see cref="Recheck"/>: the promise made to users is that a
/// revoked grant's or a deleted account's tokens are refused within a minute everywhere, and at once where signals flow.
/// The deletion time, not a yes/no, is what is remembered for an account, because the answer depends on each token's
/// issue time.
/// </remarks>
internal sealed class GrantStanding(IServiceScopeFactory scopes, TimeProvider time) : IGrantChangeObserver, IDisposable
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    private const int Capacity = 50_000;

    private readonly Lock swap = new();
    private MemoryCache verdicts = Create();

    // The mode, read from the container (a singleton) on first use, so that the class is made from a scope factory and a
    // clock alone (tests put one with a fake clock in first).
    private readonly Lazy<bool> external = new(() =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IdentitySettings>().IsExternal;
    });

    public async ValueTask<bool> StandsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue(Claims.Subject);
        if (string.IsNullOrEmpty(subject))
        {
            return false;
        }

        // External mode has no authorization store here: an oi_au_id would be the provider's, meaningless to us.
        var authorizationId = external.Value ? null : principal.FindFirstValue(Claims.Private.AuthorizationId);
        var key = authorizationId is null ? "account:" + subject : "authorization:" + authorizationId;
        var cache = verdicts;
        var now = time.GetUtcNow();
        if (!cache.TryGetValue(key, out Verdict? verdict) || verdict!.Until <= now)
        {
            await using var scope = scopes.CreateAsyncScope();
            verdict = authorizationId is null
                ? await AccountVerdictAsync(scope.ServiceProvider, subject, now, cancellationToken)
                : new Verdict(subject, await AuthorizationStandsAsync(scope.ServiceProvider, authorizationId, subject, cancellationToken), null, now + Recheck);
            cache.Set(key, verdict, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = verdict.Until });
        }

        return verdict.Stands
            && verdict.Subject == subject
            && (verdict.DeletedAt is not { } deletedAt || !IssuedAt.Predates(principal, deletedAt));
    }

    /// <summary>Called after every revocation and deletion in this process: the next request of every token is judged afresh.</summary>
    public void ForgetAll()
    {
        // The old cache is dropped, not disposed: a lookup that began before this call may still store its (now stale)
        // verdict into it, harmlessly, since nothing reads it any more. Disposing it made that store throw, and the request
        // answered 500 (seen when a database restart's reconnect forgot every verdict with requests in flight).
        lock (swap)
        {
            verdicts = Create();
        }
    }

    /// <summary>A revocation or deletion anywhere in the deployment, heard after it committed.</summary>
    public void GrantsChanged() => ForgetAll();

    public void Dispose() => verdicts.Dispose();

    private static async Task<bool> AuthorizationStandsAsync(IServiceProvider services, string authorizationId, string subject, CancellationToken cancellationToken)
    {
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var authorization = await authorizations.FindByIdAsync(authorizationId, cancellationToken);
        return authorization is not null
            && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
            && await authorizations.GetSubjectAsync(authorization, cancellationToken) == subject;
    }

    private async Task<Verdict> AccountVerdictAsync(IServiceProvider services, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deletedAt = await services.GetRequiredService<UserDirectory>().DeletedAtAsync(subject, cancellationToken);
        var stands = true;
        if (!external.Value)
        {
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            var user = await users.FindByIdAsync(subject);
            stands = user is null || !await users.IsLockedOutAsync(user);
        }

        return new Verdict(subject, stands, deletedAt, now + Recheck);
    }

    private static MemoryCache Create() => new(new MemoryCacheOptions { SizeLimit = Capacity });

    private sealed record Verdict(string Subject, bool Stands, DateTimeOffset? DeletedAt, DateTimeOffset Until);
}
