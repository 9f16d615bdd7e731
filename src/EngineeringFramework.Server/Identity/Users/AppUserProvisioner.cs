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

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
