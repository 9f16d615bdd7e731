using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Users;

/// <summary>
/// Finds the product's user for a sign-in identity, creating it on first sight. The same path serves the embedded
/// authority and an external provider, so the product never depends on where the account lives. The subject is the only
/// key: an email address is never used to match an existing user, since the same address at another issuer is not the
/// same person. The address and whether the issuer vouches for it (<see cref="EmailClaim"/>) are kept current, and the
/// row is written only when it differs.
/// </summary>
public sealed class UserDirectory(AppDbContext db, TimeProvider time)
{
    public async Task<User?> FindOrCreateAsync(SignInIdentity identity, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(identity.Subject))
        {
            return null;
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == identity.Subject, cancellationToken);
        if (user is not null)
        {
            await KeepCurrentAsync(user, identity.Email, cancellationToken);
            return user;
        }

        // A deleted account's subject is not brought back by a credential from before the deletion (a token or session
        // that got through before every instance heard of it): only a later sign-in starts a new, empty product user.
        if (await DeletedAtAsync(identity.Subject, cancellationToken) is { } deletedAt && Predates(identity.IssuedAt, deletedAt))
        {
            return null;
        }

        var (email, verified) = identity.Email.ForNewUser();
        user = new User
        {
            AuthSubject = identity.Subject,
            Email = email,
            EmailVerified = verified,
            DisplayName = Truncate(identity.Name ?? email, 200),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return user;
        }
        catch (DbUpdateException)
        {
            // Two first requests raced: the unique subject index kept one row; use it.
            db.ChangeTracker.Clear();
            return await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == identity.Subject, cancellationToken);
        }
    }

    /// <summary>
    /// Keeps the product's copy of a person's address in step with their account after a confirmed change (embedded mode):
    /// members lists, mail and invitations use this copy. The change was confirmed through a link to the new address, so
    /// the address is verified.
    /// </summary>
    public async Task UpdateEmailAsync(string subject, string email, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, cancellationToken);
        if (user is null)
        {
            return;
        }

        SetEmail(user, Truncate(email, EmailClaim.MaxLength), verified: true);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>When the account with this subject was deleted (<see cref="DeletedAccount"/>), or null if it never was.</summary>
    public async Task<DateTimeOffset?> DeletedAtAsync(string subject, CancellationToken cancellationToken)
    {
        var deletedAt = await db.DeletedAccounts.AsNoTracking()
            .Where(d => d.AuthSubject == subject)
            .Select(d => (DateTime?)d.DeletedAt)
            .SingleOrDefaultAsync(cancellationToken);
        return deletedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// The subjects of the product's users with this address (case-insensitive), at most <paramref name="limit"/>: an
    /// operator names people by address, and the same address may belong to users of different sign-in providers.
    /// </summary>
    public async Task<IReadOnlyList<string>> SubjectsWithEmailAsync(string email, int limit, CancellationToken cancellationToken)
        => await db.Users.AsNoTracking()
            .Where(u => u.Email.ToLower() == email.ToLower())
            .OrderBy(u => u.AuthSubject)
            .Select(u => u.AuthSubject)
            .Take(limit)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Whether a credential issued at <paramref name="issuedAt"/> predates a deletion at <paramref name="deletedAt"/>.
    /// Compared to the second (token times have no finer grain), and "at or before" counts as before: a credential that
    /// cannot show it is newer (no issue time) is refused.
    /// </summary>
    public static bool Predates(DateTimeOffset? issuedAt, DateTimeOffset deletedAt)
        => issuedAt is not { } issued || issued.ToUnixTimeSeconds() <= deletedAt.ToUnixTimeSeconds();

    private async Task KeepCurrentAsync(User user, EmailClaim claims, CancellationToken cancellationToken)
    {
        if (claims.IsCurrent(user.Email, user.EmailVerified))
        {
            return;
        }

        // Two requests with the same new claims may both write; they write the same values.
        var (email, verified) = claims.Apply(user.Email, user.EmailVerified);
        SetEmail(user, email, verified);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void SetEmail(User user, string email, bool verified)
    {
        if (user.DisplayName == user.Email && email != user.Email)
        {
            // The display name defaulted to the address (no name claim): it follows the address.
            user.DisplayName = Truncate(email, 200);
        }

        user.Email = email;
        user.EmailVerified = verified;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
