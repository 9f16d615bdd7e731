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
/// <remarks>
/// The address and whether the issuer vouches for it (<see cref="AccountEmail"/>) are kept current: an account may
/// change its address, and an invitation is accepted only by the account whose confirmed address it names. Callers
/// on the hot path compare first (<see cref="AccountEmail.IsCurrent"/>) and come here only when something changed;
/// here too the row is written only when it differs.
/// </remarks>
internal sealed class AppUserProvisioner(AppDbContext db, TimeProvider time, IdentitySettings identity)
{
    public AccountEmail EmailOf(ClaimsPrincipal principal) => AccountEmail.Read(principal, identity.IsExternal);

    public async Task<User?> FindOrCreateAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var claims = EmailOf(principal);
        var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == subject, cancellationToken);
        if (user is not null)
        {
            await KeepCurrentAsync(user, claims, cancellationToken);
            return user;
        }

        // A deleted account's subject is not brought back by a credential from before the deletion (a token or session
        // that got through before every instance heard of it): only a later sign-in starts a new, empty product user.
        var deletedAt = await db.DeletedAccounts.AsNoTracking().Where(d => d.AuthSubject == subject).Select(d => (DateTime?)d.DeletedAt).SingleOrDefaultAsync(cancellationToken);
        if (deletedAt is { } at && Grants.IssuedAt.Predates(principal, new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))))
        {
            return null;
        }

        var (email, verified) = claims.ForNewUser();
        var name = principal.FindFirstValue("name") ?? email;
        user = new User
        {
            AuthSubject = subject,
            Email = email,
            EmailVerified = verified,
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

        SetEmail(user, Truncate(email, AccountEmail.MaxLength), verified: true);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task KeepCurrentAsync(User user, AccountEmail claims, CancellationToken cancellationToken)
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
