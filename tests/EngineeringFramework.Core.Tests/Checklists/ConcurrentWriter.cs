using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EngineeringFramework.Core.Tests.Checklists;

/// <summary>
/// Simulates another request saving the same checklist item after this one read it and before it saves:
/// just before the first save, the item is changed (and its version bumped) through a separate connection.
/// </summary>
internal sealed class ConcurrentWriter(TestDatabase database, Guid organizationId, Guid itemId) : SaveChangesInterceptor
{
    private bool done;

    public AppDbContext CreateContext(TestDatabase target, ITenantContext tenant)
    {
        if (target.Connection.Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
            DataServiceCollectionExtensions.ConfigureSqlite(options, target.Connection.ConnectionString);
            return new SqliteAppDbContext(options.AddInterceptors(this).Options).ForTenant(tenant);
        }

        var postgres = new DbContextOptionsBuilder<PostgresAppDbContext>();
        DataServiceCollectionExtensions.ConfigurePostgres(postgres, target.Connection.ConnectionString);
        return new PostgresAppDbContext(postgres.AddInterceptors(this).Options).ForTenant(tenant);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (!done)
        {
            done = true;
            await using var other = database.CreateContext(organizationId);
            var item = await other.ChecklistItems.SingleAsync(i => i.Id == itemId, cancellationToken);
            item.Status = ChecklistItemStatus.InProgress;
            await other.SaveChangesAsync(cancellationToken);
        }

        return await base.SavingChangesAsync(eventData, result, cancellationToken);
    }
}
