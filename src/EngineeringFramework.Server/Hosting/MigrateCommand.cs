using System.CommandLine;

namespace EngineeringFramework.Server.Hosting;

internal static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("migrate", "Apply pending database migrations to DATABASE_URL (or the embedded SQLite file) and exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = ServerHost.Build(AppCommandLine.RawArgs(parse), error);
            if (app is null)
            {
                return 1;
            }

            await using (app)
            {
                try
                {
                    // Never under a running server: it would go on running code written for the old schema.
                    ServerHost.ClaimSqliteFile(app.Services);
                }
                catch (SqliteInUseException e)
                {
                    error.WriteLine($"Cannot migrate: {e.Message} Stop the server first (or let it migrate on start with MIGRATE_ON_START=true).");
                    return 1;
                }

                await ServerHost.MigrateAsync(app.Services, cancellationToken);
                await ServerHost.SeedSystemFrameworkAsync(app.Services, cancellationToken);
            }

            output.WriteLine("Database is up to date.");
            return 0;
        });
        return command;
    }
}
