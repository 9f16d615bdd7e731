using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// Whether a failure means "the database cannot serve right now" (not reachable, shutting down, refusing connections,
/// out of connection slots, or timing out) rather than a fault of the request or of this code. Such a failure is answered
/// 503 with Retry-After by every surface, since trying again later is the right thing for the client to do; anything
/// else stays a 500. Looks through wrappers (EF's DbUpdateException, the execution strategy's retry exhaustion).
/// </summary>
public static class DatabaseUnavailable
{
    public static bool Explains(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return IsUnavailable(postgres.SqlState);
                case NpgsqlException npgsql:
                    // Without a server error: the connection could not be made, broke, or timed out.
                    return npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or System.IO.IOException or TimeoutException;
                case SqliteException sqlite:
                    // SQLITE_BUSY / SQLITE_LOCKED past every wait: the one write lock stayed taken.
                    return sqlite.SqliteErrorCode is 5 or 6;
            }
        }

        return false;
    }

    // 08: connection exception; 53300: too many connections; 57P01-57P03: shutting down, crashed, cannot connect now.
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "53300" or "57P01" or "57P02" or "57P03";
}
