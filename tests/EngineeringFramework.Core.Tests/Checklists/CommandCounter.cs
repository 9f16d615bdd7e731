using System.Data.Common;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EngineeringFramework.Core.Tests.Checklists;

/// <summary>Counts the SQL commands a context sends, to hold use cases to a constant number of queries.</summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int count;

    public int Count => count;

    public List<string> Commands { get; } = [];

    public AppDbContext CreateContext(TestDatabase database, ITenantContext tenant)
    {
        if (database.Connection.Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
            DataServiceCollectionExtensions.ConfigureSqlite(options, database.Connection.ConnectionString);
            return new SqliteAppDbContext(options.AddInterceptors(this).Options).ForTenant(tenant);
        }

        var postgres = new DbContextOptionsBuilder<PostgresAppDbContext>();
        DataServiceCollectionExtensions.ConfigurePostgres(postgres, database.Connection.ConnectionString);
        return new PostgresAppDbContext(postgres.AddInterceptors(this).Options).ForTenant(tenant);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        Interlocked.Increment(ref count);
        lock (Commands)
        {
            Commands.Add(command.CommandText);
        }
    }
}
