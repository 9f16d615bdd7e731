using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.RoleTemplates;

/// <summary>
/// Compares, per template, three records of the same fact: the stored hash, the stored JSON, and the
/// tuples that actually grant. Any of them changed behind the product's back (a manual SQL edit, a
/// restore of one table, a bug) shows up here instead of silently granting something else.
/// </summary>
public sealed class RoleTemplateDriftCheck(AppDbContext db, TenantContext tenant, Authorizer authorizer)
{
    public async Task<IReadOnlyList<RoleTemplateDrift>> CheckAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var templates = await db.RoleTemplates.AsNoTracking().OrderBy(r => r.Name).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var @object = Fga.Organization(organizationId);
        var grants = await db.RelationshipTuples.AsNoTracking()
            .Where(t => t.Object == @object && t.User.StartsWith("role:") && t.User.EndsWith("#active_assignee"))
            .Select(t => new { t.User, t.Relation })
            .ToListAsync(cancellationToken);
        var granted = grants.ToLookup(g => g.User, g => g.Relation, StringComparer.Ordinal);
        return templates.ConvertAll(t => Compare(t, granted[Fga.RoleAssignees(t.Id)]));
    }

    internal static RoleTemplateDrift Compare(RoleTemplate template, IEnumerable<string> grantedRelations)
    {
        var computedHash = PermissionSet.HashOf(template.PermissionsJson);
        var hashMatches = string.Equals(computedHash, template.PermissionsHash, StringComparison.Ordinal);
        var parsed = PermissionSet.TryParse(template.PermissionsJson);
        var names = parsed ?? [];
        var canonical = parsed is not null
            && names.All(PermissionCatalog.Contains)
            && PermissionSet.From(names).Json == template.PermissionsJson;
        var expected = names.Select(PermissionCatalog.RelationOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var actual = grantedRelations.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Except(actual).Order(StringComparer.Ordinal).ToList();
        var unexpected = actual.Except(expected).Order(StringComparer.Ordinal).ToList();
        return new RoleTemplateDrift(
            template.Id, template.Name, hashMatches, canonical, missing.Count == 0 && unexpected.Count == 0, missing, unexpected,
            template.PermissionsHash, computedHash, template.PermissionsJson, actual.Order(StringComparer.Ordinal).ToList());
    }
}
