using System.Linq.Expressions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Data;

/// <summary>The tenant filter's half of the context (its own file, so the mutation run of the tenancy code can name it).</summary>
public abstract partial class AppDbContext
{
    private void ApplyTenantFilters(ModelBuilder modelBuilder)
    {
        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(ISystemOrOrganizationOwned).IsAssignableFrom(entityType.ClrType))
            {
                // e => e.OrganizationId == null || e.OrganizationId == this.CurrentOrganizationId
                var shared = Expression.Parameter(entityType.ClrType, "e");
                var owner = Expression.Property(shared, nameof(ISystemOrOrganizationOwned.OrganizationId));
                var sharedBody = Expression.OrElse(
                    Expression.Equal(owner, Expression.Constant(null, typeof(Guid?))),
                    Expression.Equal(owner, Expression.Convert(Expression.Property(Expression.Constant(this), nameof(CurrentOrganizationId)), typeof(Guid?))));
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter.Name, Expression.Lambda(sharedBody, shared));
                continue;
            }

            if (!typeof(IOrganizationOwned).IsAssignableFrom(entityType.ClrType))
            {
                continue;
            }

            // e => e.OrganizationId == this.CurrentOrganizationId (Organization compares its own Id).
            var parameter = Expression.Parameter(entityType.ClrType, "e");
            var ownerProperty = entityType.ClrType == typeof(Organization) ? nameof(Organization.Id) : nameof(IOrganizationOwned.OrganizationId);
            var body = Expression.Equal(
                Expression.Property(parameter, ownerProperty),
                Expression.Property(Expression.Constant(this), nameof(CurrentOrganizationId)));
            modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter.Name, Expression.Lambda(body, parameter));
        }
    }
}
