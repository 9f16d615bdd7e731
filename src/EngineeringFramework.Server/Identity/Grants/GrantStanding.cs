using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>
/// Whether what stands behind a validated access token still stands. Access tokens are self-contained JWTs, valid until
/// they expire (<see cref="Authority.EmbeddedAuthority.AccessTokenLifetime"/>), so a revoked grant would otherwise keep
/// working for up to that long. Every token the embedded authority issues names its authorization (<c>oi_au_id</c>): the
/// token is refused once that authorization is no longer valid (revoked from Connected apps, or by an account event such
/// as a password reset or account deletion). Tokens without an authorization come only from holders of the signing key
/// (<c>admin token</c>, tests); they are refused while their account is locked out.
/// </summary>
/// <remarks>
/// The verdict is remembered per authorization (or account) for at most <see cref="Recheck"/>, bounded in number: one
/// database lookup per grant and window instead of one per request. A revocation in this process forgets every verdict
/// at once (<see cref="ForgetAll"/>); another instance sees it within <see cref="Recheck"/>, which is the promise made to
/// users: a revoked grant's access tokens are refused within a minute everywhere.
/// </remarks>
internal sealed class GrantStanding(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    private const int Capacity = 50_000;

    private readonly Lock swap = new();
    private MemoryCache verdicts = Create();

    public async ValueTask<bool> StandsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue(Claims.Subject);
        if (string.IsNullOrEmpty(subject))
        {
            return false;
        }

        var authorizationId = principal.FindFirstValue(Claims.Private.AuthorizationId);
        var key = authorizationId is null ? "account:" + subject : "authorization:" + authorizationId;
        var cache = verdicts;
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out Verdict? known) && known!.Until > now)
        {
            return known.Stands && known.Subject == subject;
        }

        await using var scope = scopes.CreateAsyncScope();
        var stands = authorizationId is null
            ? await AccountStandsAsync(scope.ServiceProvider, subject)
            : await AuthorizationStandsAsync(scope.ServiceProvider, authorizationId, subject, cancellationToken);
        cache.Set(key, new Verdict(subject, stands, now + Recheck), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = now + Recheck });
        return stands;
    }

    /// <summary>Called after every revocation in this process: the next request of every token is judged afresh.</summary>
    public void ForgetAll()
    {
        lock (swap)
        {
            var old = verdicts;
            verdicts = Create();
            old.Dispose();
        }
    }

    public void Dispose() => verdicts.Dispose();

    private static async Task<bool> AuthorizationStandsAsync(IServiceProvider services, string authorizationId, string subject, CancellationToken cancellationToken)
    {
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var authorization = await authorizations.FindByIdAsync(authorizationId, cancellationToken);
        return authorization is not null
            && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
            && await authorizations.GetSubjectAsync(authorization, cancellationToken) == subject;
    }

    private static async Task<bool> AccountStandsAsync(IServiceProvider services, string subject)
    {
        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByIdAsync(subject);
        return user is null || !await users.IsLockedOutAsync(user);
    }

    private static MemoryCache Create() => new(new MemoryCacheOptions { SizeLimit = Capacity });

    private sealed record Verdict(string Subject, bool Stands, DateTimeOffset Until);
}
