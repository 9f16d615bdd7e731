using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.SystemAdministration;

/// <summary>
/// The system super-admin role (system framework management, plan changes). Held only through these
/// operator commands, run with access to the server's configuration; nothing in the product grants it.
/// </summary>
public sealed class SuperAdmins(AppDbContext db, RelationshipWriter relationships)
{
    public const string Relation = "super_admin";

    /// <returns>A message for the operator; throws <see cref="InvalidOperationException"/> when no such user exists.</returns>
    public async Task<string> GrantAsync(string email, CancellationToken cancellationToken)
    {
        var user = await FindAsync(email, cancellationToken);
        if (await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.SystemObject && t.Relation == Relation && t.User == Fga.User(user.Id), cancellationToken))
        {
            return $"{user.Email} is already a system super-admin.";
        }

        relationships.Write(null, Fga.SystemObject, Relation, Fga.User(user.Id));
        await db.SaveChangesAsync(cancellationToken);
        return $"{user.Email} is now a system super-admin.";
    }

    public async Task<string> RevokeAsync(string email, CancellationToken cancellationToken)
    {
        var user = await FindAsync(email, cancellationToken);
        if (!await relationships.DeleteAsync(Fga.SystemObject, Relation, Fga.User(user.Id), cancellationToken))
        {
            return $"{user.Email} was not a system super-admin.";
        }

        await db.SaveChangesAsync(cancellationToken);
        return $"{user.Email} is no longer a system super-admin.";
    }

    private async Task<Users.User> FindAsync(string email, CancellationToken cancellationToken)
    {
        var matches = await db.Users.Where(u => u.Email.ToLower() == email.Trim().ToLower()).Take(2).ToListAsync(cancellationToken);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidOperationException($"No user with the email {email} has signed in yet; they must sign in once first."),
            _ => throw new InvalidOperationException($"Several users share the email {email} (from different sign-in providers); resolve this in the database."),
        };
    }
}
