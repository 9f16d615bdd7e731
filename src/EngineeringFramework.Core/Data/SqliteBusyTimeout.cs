using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock. SQLite has one writer at a time; by default a connection that finds the
/// lock taken gets SQLITE_BUSY at once, and Microsoft.Data.Sqlite then sleeps 150 ms before trying again (until the
/// command timeout). Under concurrent writes that turns a wait of a millisecond into 150 ms, or several times that: in
/// the delivery-lag probe (bench/README.md) commit p99 was 150 ms at 200 commits/s. With a busy timeout SQLite retries
/// within the call, after 1, 2, 5, 10… ms, and the provider's loop only takes over past <see cref="Wait"/>.
/// </summary>
/// <remarks>
/// Set on every open, since a pooled connection may be new: one native call that only stores a number on the handle.
/// </remarks>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            raw.sqlite3_busy_timeout(handle, (int)Wait.TotalMilliseconds);
        }
    }
}
