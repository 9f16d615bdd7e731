using EngineeringFramework.Core.Data;
using Microsoft.Data.Sqlite;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Keeps a SQLite database to one server process: the server holds an exclusive lock on <c>{database}.lock</c> for
/// as long as it runs, and a second server (or <c>migrate</c>) on the same file refuses to start.
/// </summary>
/// <remarks>
/// Why one process: the embedded defaults keep state in process that several servers would need to share
/// (the authorization engine's tuples, caches that can grant access, wake-ups of the mail and sync workers), and
/// SQLite's own locks make concurrent writers wait rather than coordinate. Several instances belong on PostgreSQL.
/// Why an OS lock and not a marker file or a row: the lock belongs to the open file handle, so the operating system
/// releases it when the process ends in any way (exit, crash, kill -9, container stop); nothing stale is ever left to
/// clean up, and the <c>.lock</c> file itself stays (its presence means nothing, only the lock does). .NET takes it
/// with <c>flock(LOCK_EX)</c> on Unix and a share-none open on Windows (<see cref="FileShare.None"/>); two handles
/// conflict even inside one process, which is what the tests rely on. Like SQLite's own locking it needs a local
/// disk (network file systems may not honour it) and is off when <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> is set.
/// The <c>admin</c> commands take no lock: they are short reads and writes that SQLite's own locking serializes with
/// the server's, exactly like a request. <c>migrate</c> takes it, because changing the schema under a running server
/// would leave that server running code written for the old schema.
/// </remarks>
internal sealed class SqliteInstanceLock(string databaseFile) : IDisposable
{
    private FileStream? held;

    public string DatabaseFile { get; } = databaseFile;

    public string LockFile => DatabaseFile + ".lock";

    /// <summary>The lock for a SQLite file database, or null for PostgreSQL and in-memory SQLite (nothing to share).</summary>
    public static SqliteInstanceLock? For(DatabaseConnection connection)
    {
        if (connection.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(connection.ConnectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
        {
            return null;
        }

        return new SqliteInstanceLock(Path.GetFullPath(builder.DataSource));
    }

    /// <exception cref="SqliteInUseException">Another process (or another server in this one) holds the lock.</exception>
    public void Acquire()
    {
        if (held is not null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(LockFile)!);
        try
        {
            held = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new SqliteInUseException(DatabaseFile, e);
        }
    }

    public void Dispose()
    {
        held?.Dispose();
        held = null;
    }
}

internal sealed class SqliteInUseException(string databaseFile, Exception inner) : Exception(
    $"Another Engineering Framework server is already running on the SQLite database {databaseFile} (it holds {databaseFile}.lock). "
    + "SQLite supports one server instance; stop the other one, or run several instances on PostgreSQL (set DATABASE_URL).",
    inner);
