using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace EngineeringFramework.Core.UseCases;

/// <summary>The product user behind a request, as every surface needs it: nothing here grants anything.</summary>
/// <param name="HasMembership">Belongs to some organization: by a membership, or as a service account of one.</param>
public sealed record ResolvedCaller(Guid UserId, string Email, bool EmailVerified, string DisplayName, bool HasMembership, bool IsServiceAccount = false)
{
    /// <summary>The use-case caller for this user through <paramref name="surface"/>.</summary>
    public Caller As(Surface surface, string? client = null) => new(UserId, surface, client, IsServiceAccount);
}

/// <summary>
/// The one door through which every surface (web UI, REST API, MCP) learns who is calling: the user behind a validated
/// credential, found or provisioned (<see cref="UserDirectory"/>), and whether they belong to any organization yet.
/// Scoped: resolved once per request, then <see cref="Value"/>. Surfaces keep only their own policy on top (onboarding
/// answer, MCP grant, pages).
/// </summary>
public sealed class CurrentCaller(AppDbContext db, UserDirectory users, KnownCallers known)
{
    /// <summary>
    /// The caller's user and whether they belong to any organization, in one statement. The caller's own memberships are
    /// looked up across organizations (the tenant filter is bypassed by the user's id), since no organization is
    /// established yet.
    /// </summary>
    private static readonly PerModel<Func<AppDbContext, string, CancellationToken, Task<ResolvedCaller?>>> FindKnown = new(() => EF.CompileAsyncQuery(
        (AppDbContext db, string subject, CancellationToken _) => db.Users.AsNoTracking()
            .Where(u => u.AuthSubject == subject)
            .Select(u => new ResolvedCaller(u.Id, u.Email, u.EmailVerified, u.DisplayName, u.IsServiceAccount || db.Memberships.IgnoreQueryFilters(new[] { TenantFilter.Name }).Any(m => m.UserId == u.Id), u.IsServiceAccount))
            .FirstOrDefault()));

    public ResolvedCaller? Value { get; private set; }

    /// <summary>The caller, or null when the credential names no subject or a deleted account's old credential.</summary>
    public async Task<ResolvedCaller?> ResolveAsync(SignInIdentity identity, CancellationToken cancellationToken)
    {
        if (Value is not null)
        {
            return Value;
        }

        if (string.IsNullOrEmpty(identity.Subject))
        {
            return null;
        }

        // Every known user takes the one-statement path (or none, when remembered); a first call, or a credential whose
        // address differs from the stored one, goes through the directory, which writes the change once.
        if (!known.TryGet(identity.Subject, out var caller))
        {
            caller = await FindKnown.For(db)(db, identity.Subject, cancellationToken);
        }

        if (identity.ServiceAccount || caller?.IsServiceAccount == true)
        {
            // A service account's user is reached by its own token only: a session or a JWT that names it (an external
            // issuer could mint any subject) is refused, and a token whose account is gone never provisions a user.
            return caller is not null && identity.ServiceAccount && caller.IsServiceAccount ? Value = caller : null;
        }

        if (caller is null || !identity.Email.IsCurrent(caller.Email, caller.EmailVerified))
        {
            var user = await users.FindOrCreateAsync(identity, cancellationToken);
            if (user is null)
            {
                return null;
            }

            var member = await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == user.Id, cancellationToken);
            caller = new ResolvedCaller(user.Id, user.Email, user.EmailVerified, user.DisplayName, member);
        }

        if (caller.HasMembership)
        {
            // A user still in onboarding is looked up on every call, so joining takes effect at once on every instance.
            known.Set(identity.Subject, caller);
        }

        return Value = caller;
    }
}

/// <summary>
/// Who a credential's subject is, remembered for <see cref="Lifetime"/> and bounded, once they belong to an organization.
/// Any relationship change about a user forgets that user on every instance after it commits
/// (<see cref="Data.Signals.ClusterSignals"/>); an instance that missed the signal forgets within the lifetime. A
/// remembered caller never skips an authorization check: it only saves looking up who the caller is, and whether to
/// answer "onboarding required".
/// </summary>
public sealed class KnownCallers(TimeProvider time) : IRelationshipChangeObserver, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int Capacity = 10_000;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity, Clock = new Clock(time) });

    public bool TryGet(string subject, out ResolvedCaller? caller) => cache.TryGetValue(subject, out caller);

    public void Set(string subject, ResolvedCaller caller)
        => cache.Set(subject, caller, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void RelationshipChanged(Guid? userId)
    {
        if (userId is not { } id)
        {
            // A change about a user set or an object: who anyone is, and whether they are a member, is unchanged.
            return;
        }

        // Keys are subjects; entries know their user id. Few entries per user: scan and remove.
        foreach (var key in cache.Keys)
        {
            if (cache.TryGetValue(key, out ResolvedCaller? caller) && caller!.UserId == id)
            {
                cache.Remove(key);
            }
        }
    }

    public void Dispose() => cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is obsolete elsewhere but still what MemoryCacheOptions.Clock takes.
    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
