using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tenancy;

public static class TenantFilter
{
    /// <summary>The name of the global query filter that scopes organization-owned entities.</summary>
    public const string Name = "Tenant";

    /// <summary>
    /// The one sanctioned way to read across organizations, for system tasks (migrations of data,
    /// the caller's own memberships, operator commands). Grep for <c>BypassTenantFilter</c> to audit
    /// every use; each call site must say why in a comment.
    /// </summary>
    public static IQueryable<T> BypassTenantFilter<T>(this IQueryable<T> query)
        where T : class
        => query.IgnoreQueryFilters([Name]);
}
