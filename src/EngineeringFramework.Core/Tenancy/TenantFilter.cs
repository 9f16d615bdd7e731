using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tenancy;

public static class TenantFilter
{
    /// <summary>The name of the global query filter that scopes organization-owned entities.</summary>
    public const string Name = "Tenant";

    /// <summary>
    /// One instance for every query: EF Core's query cache did not recognize a new filter-name collection per call
    /// as the same query (dotnet/efcore#37112), so every bypassing query (the API's membership check runs on each
    /// request) was compiled again each time, at milliseconds of CPU.
    /// </summary>
    private static readonly string[] Names = [Name];

    /// <summary>
    /// The one sanctioned way to read across organizations, for system tasks (migrations of data,
    /// the caller's own memberships, operator commands). Grep for <c>BypassTenantFilter</c> to audit
    /// every use; each call site must say why in a comment.
    /// </summary>
    public static IQueryable<T> BypassTenantFilter<T>(this IQueryable<T> query)
        where T : class
        => query.IgnoreQueryFilters(Names);
}
