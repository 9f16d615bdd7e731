using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Adds relationship changes to the current unit of work, so they commit in the same transaction as the
/// domain change that causes them (and land in the outbox with it). Nothing is written until the use
/// case calls <c>SaveChangesAsync</c>. Caches hear of the change once it has committed (<see cref="Data.Signals.AfterCommitSignals"/>).
/// </summary>
public sealed class RelationshipWriter(AppDbContext db, TimeProvider time)
{
    public void Write(Guid? organizationId, string @object, string relation, string user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.RelationshipTuples.Add(new RelationshipTuple { OrganizationId = organizationId, Object = @object, Relation = relation, User = user, CreatedAt = now });
        db.TupleChanges.Add(new TupleChange { Operation = TupleOperation.Write, Object = @object, Relation = relation, User = user, At = now });
    }

    /// <returns>False when no such tuple exists (nothing recorded).</returns>
    public async Task<bool> DeleteAsync(string @object, string relation, string user, CancellationToken cancellationToken)
    {
        var tuple = await db.RelationshipTuples.SingleOrDefaultAsync(t => t.Object == @object && t.Relation == relation && t.User == user, cancellationToken);
        if (tuple is null)
        {
            return false;
        }

        Remove(tuple);
        return true;
    }

    /// <summary>Removes every tuple that names this object or this user set, e.g. a deleted project or role.</summary>
    public async Task DeleteAllAboutAsync(string @object, CancellationToken cancellationToken)
    {
        var prefix = @object + "#";
        foreach (var tuple in await db.RelationshipTuples.Where(t => t.Object == @object || t.User == @object || t.User.StartsWith(prefix)).ToListAsync(cancellationToken))
        {
            Remove(tuple);
        }
    }

    /// <summary>
    /// Removes every tuple that names this user directly, in every organization and the system's (a deleted account:
    /// memberships, role assignments, MCP grants, project leads, super-admin). Deliberately across organizations, so
    /// the tenant filter is bypassed; the query is scoped by the user instead.
    /// </summary>
    public async Task DeleteAllOfUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = Fga.User(userId);
        foreach (var tuple in await db.RelationshipTuples.BypassTenantFilter().Where(t => t.User == user).ToListAsync(cancellationToken))
        {
            Remove(tuple);
        }
    }

    /// <summary>Removes every tuple an organization owns (before the organization itself is deleted).</summary>
    public async Task DeleteAllOfOrganizationAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        foreach (var tuple in await db.RelationshipTuples.Where(t => t.OrganizationId == organizationId).ToListAsync(cancellationToken))
        {
            Remove(tuple);
        }
    }

    private void Remove(RelationshipTuple tuple)
    {
        db.RelationshipTuples.Remove(tuple);
        db.TupleChanges.Add(new TupleChange { Operation = TupleOperation.Delete, Object = tuple.Object, Relation = tuple.Relation, User = tuple.User, At = time.GetUtcNow().UtcDateTime });
    }
}
