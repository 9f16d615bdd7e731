using System.Security.Claims;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Identity.Users;

/// <summary>
/// Finds the product's user for a validated token (or session), creating it on first sight from <c>sub</c>
/// and <c>email</c>. The same path serves the embedded authority and an external provider, so the product
/// never depends on where the account lives. The subject is the only key: an email address is never used
/// to match an existing user, since the same address at another issuer is not the same person.
/// </summary>
internal sealed class AppUserProvisioner(AppDbContext db, TimeProvider time)
{
    public async Task<User?> FindOrCreateAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, cancellationToken);
        if (user is not null)
        {
            return user;
        }

        // A deleted account's subject is not brought back by a credential from before the deletion (a token or session
        // that got through before every instance heard of it): only a later sign-in starts a new, empty product user.
        var deletedAt = await db.DeletedAccounts.AsNoTracking().Where(d => d.AuthSubject == subject).Select(d => (DateTime?)d.DeletedAt).SingleOrDefaultAsync(cancellationToken);
        if (deletedAt is { } at && Grants.IssuedAt.Predates(principal, new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))))
        {
            return null;
        }

        var email = principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email) ?? string.Empty;
        var name = principal.FindFirstValue("name") ?? email;
        user = new User
        {
            AuthSubject = subject,
            Email = Truncate(email, 320),
            DisplayName = Truncate(name, 200),
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
            return await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, cancellationToken);
        }
    }

    /// <summary>
    /// Keeps the product's copy of a person's address in step with their account after a confirmed change (embedded mode):
    /// members lists and mail use this copy.
    /// </summary>
    public async Task UpdateEmailAsync(string subject, string email, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, cancellationToken);
        if (user is null)
        {
            return;
        }

        if (user.DisplayName == user.Email)
        {
            // The display name defaulted to the address (no name claim): it follows the address.
            user.DisplayName = Truncate(email, 200);
        }

        user.Email = Truncate(email, 320);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
