using SQLitePCL;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// SQLite's threading mode for this process. The bundled library is built "serialized": every call on a connection
/// takes that connection's mutex, so reading one column of one row costs a lock and an unlock, thousands per
/// checklist read. An ADO.NET connection is never used by two threads at once (a context runs one command at a
/// time, and the pool hands each connection to one context), which is SQLite's "multi-thread" mode: the same
/// guarantee without the per-call mutexes. The mode can only be chosen before SQLite initializes, that is before the
/// first connection in the process opens; if one opened earlier, SQLite stays serialized (correct, only slower) and
/// <see cref="MultiThreaded"/> says so.
/// </summary>
public static class SqliteThreading
{
    private static readonly Lazy<bool> Configured = new(Configure);

    /// <summary>Whether SQLite accepted multi-thread mode for this process.</summary>
    public static bool MultiThreaded => Configured.Value;

    /// <summary>Chooses the mode once; called wherever SQLite options are built, before any connection can open.</summary>
    public static void Apply() => _ = Configured.Value;

    private static bool Configure()
    {
        Batteries_V2.Init();
        var accepted = raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) == raw.SQLITE_OK;

        // Allocation statistics take a global mutex on every allocation; nothing here reads them.
        raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
        return accepted;
    }
}
