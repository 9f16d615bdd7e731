using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.ServiceAccounts;

/// <summary>Who a valid service-account token speaks for: the account's user (by its subject) in its one organization.</summary>
public sealed record ServiceAccountIdentity(Guid ServiceAccountId, Guid OrganizationId, Guid UserId, string Subject, string Name);

/// <summary>
/// Turns a presented token into the account it belongs to, on every request: one indexed lookup by the secret's hash, so a
/// revocation or an expiry holds from the next request on every instance, with nothing cached. The token's last use is
/// written at most once per <see cref="LastUseResolution"/>, so a busy pipeline does not turn every read into a write.
/// </summary>
public sealed class ServiceAccountTokens(AppDbContext db, TimeProvider time)
{
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>A secret no token could have is refused without a query (wrong marker or length).</summary>
    private const int SecretLength = 48;

    public async Task<ServiceAccountIdentity?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length != SecretLength || !ServiceAccountTokenSecret.LooksLikeOne(secret))
        {
            return null;
        }

        var hash = ServiceAccountTokenSecret.HashOf(secret);
        var now = time.GetUtcNow().UtcDateTime;

        // No organization is established before the caller is known: the token's hash is the key, across organizations.
        var found = await db.ServiceAccountTokens.BypassTenantFilter().AsNoTracking()
            .Where(t => t.Hash == hash && t.RevokedAt == null && t.ServiceAccount!.ExpiresAt > now && t.ServiceAccount.User!.DeletedAt == null)
            .Select(t => new { t.Id, t.LastUsedAt, Identity = new ServiceAccountIdentity(t.ServiceAccountId, t.OrganizationId, t.ServiceAccount!.UserId, t.ServiceAccount.User!.AuthSubject, t.ServiceAccount.Name) })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        if (found.LastUsedAt is not { } last || now - last >= LastUseResolution)
        {
            var stale = now - LastUseResolution;
            await db.ServiceAccountTokens.BypassTenantFilter().Where(t => t.Id == found.Id && (t.LastUsedAt == null || t.LastUsedAt <= stale))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return found.Identity;
    }
}
