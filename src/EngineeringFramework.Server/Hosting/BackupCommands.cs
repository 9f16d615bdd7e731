using System.CommandLine;
using EngineeringFramework.Core.Data;
using Microsoft.Data.Sqlite;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// <c>admin backup PATH</c> and <c>admin restore PATH --yes</c> for the embedded SQLite database: everything the product
/// keeps is in that one file (product data, accounts, OAuth grants, the sealed data-protection key ring and GitHub
/// tokens), so a copy of it is a backup. The copy is taken with SQLite's online backup API, consistent while the server
/// runs and writes (a plain file copy of a WAL database is not). Sealed secrets stay sealed in the copy: restoring them
/// needs the same <c>ENCRYPTION_KEY</c>, which is never written into the backup. PostgreSQL has its own tools
/// (<c>pg_dump</c>/<c>pg_restore</c>, see README), so both commands refuse it with that advice.
/// </summary>
internal static class BackupCommands
{
    public static Command Backup(TextWriter output, TextWriter error)
    {
        var path = new Argument<string>("path") { Description = "Where to write the backup; must not exist yet." };
        var command = new Command("backup", "Copy the SQLite database (online, consistent while the server runs) to PATH.") { path };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => WithDatabaseAsync(parse, error, database =>
        {
            var target = Path.GetFullPath(parse.GetRequiredValue(path));
            if (File.Exists(target))
            {
                error.WriteLine($"{target} exists; a backup never overwrites a file. Nothing was written.");
                return 1;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var source = new SqliteConnection(database.ConnectionString))
            using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
            {
                source.Open();
                copy.Open();
                source.BackupDatabase(copy);
                if (Check(copy) is { } problem)
                {
                    error.WriteLine($"The copy at {target} failed SQLite's integrity check ({problem}); do not rely on it.");
                    return 1;
                }
            }

            // It holds password hashes and sealed secrets: readable by its owner only, like the database.
            Restrict(target);
            var key = database.KeyConfigured
                ? "the same ENCRYPTION_KEY"
                : $"the development encryption key, which is not in the backup: keep a copy of {Path.Combine(database.DataDirectory, "development-encryption.key")} with it";
            output.WriteLine($"Backed up {database.File} to {target} ({new FileInfo(target).Length} bytes). Restoring it needs {key}.");
            return 0;
        }));
        return command;
    }

    public static Command Restore(TextWriter output, TextWriter error)
    {
        var path = new Argument<string>("path") { Description = "A backup written by admin backup." };
        var yes = new Option<bool>("--yes") { Description = "Confirm: the database's current contents are replaced." };
        var command = new Command("restore", "Replace the SQLite database with a backup; the server must be stopped. Pending migrations apply at the next start.") { path, yes };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => WithDatabaseAsync(parse, error, database =>
        {
            var source = Path.GetFullPath(parse.GetRequiredValue(path));
            if (!File.Exists(source))
            {
                error.WriteLine($"No backup at {source}. Nothing was changed.");
                return 1;
            }

            if (!parse.GetValue(yes))
            {
                error.WriteLine($"Restoring replaces everything in {database.File}: run again with --yes to confirm. Nothing was changed.");
                return 1;
            }

            // A running server would keep serving (and writing) its old data over the restored file.
            using var instance = new SqliteInstanceLock(database.File);
            try
            {
                instance.Acquire();
            }
            catch (SqliteInUseException e)
            {
                error.WriteLine(e.Message + " Stop it before restoring. Nothing was changed.");
                return 1;
            }

            using var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            backup.Open();
            var problem = Check(backup) ?? (HasProductTables(backup) ? null : "it has no migration history or organizations table");
            if (problem is not null)
            {
                error.WriteLine($"{source} is not a usable backup of this product's database ({problem}). Nothing was changed.");
                return 1;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(database.File)!);
            using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.File, Pooling = false }.ToString()))
            {
                target.Open();
                backup.BackupDatabase(target);
            }

            Restrict(database.File);
            output.WriteLine($"Restored {source} into {database.File}. Start the server (or run migrate) with the ENCRYPTION_KEY the backup was made with.");
            return 0;
        }));
        return command;
    }

    private sealed record SqliteFile(string ConnectionString, string File, string DataDirectory, bool KeyConfigured);

    private static Task<int> WithDatabaseAsync(ParseResult parse, TextWriter error, Func<SqliteFile, int> body)
    {
        var app = ServerHost.Build(AppCommandLine.RawArgs(parse), error);
        if (app is null)
        {
            return Task.FromResult(1);
        }

        using (app)
        {
            var settings = app.Services.GetRequiredService<ServerSettings>();
            var database = settings.Database;
            if (database.Provider != DatabaseProvider.Sqlite || SqliteInstanceLock.For(database) is not { } file)
            {
                error.WriteLine("The database is PostgreSQL: back it up with pg_dump -Fc and restore with pg_restore (see README, Backup and restore). Nothing was done.");
                return Task.FromResult(1);
            }

            var keyConfigured = !string.IsNullOrWhiteSpace(app.Configuration["ENCRYPTION_KEY"]);
            try
            {
                return Task.FromResult(body(new SqliteFile(database.ConnectionString, file.DatabaseFile, settings.DataDirectory, keyConfigured)));
            }
            catch (SqliteException e)
            {
                // Not a database, unreadable, or the disk is full: say so, without a stack trace.
                error.WriteLine($"SQLite refused: {e.Message} Nothing more was done.");
                return Task.FromResult(1);
            }
        }
    }

    /// <summary>SQLite's own integrity check; null when it reports "ok".</summary>
    private static string? Check(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        var answer = command.ExecuteScalar() as string;
        return answer == "ok" ? null : answer ?? "no answer";
    }

    private static bool HasProductTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('__EFMigrationsHistory', 'Organizations')";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 2;
    }

    private static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
