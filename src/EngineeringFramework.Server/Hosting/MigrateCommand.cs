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
                if (app.Services.GetRequiredService<ServerSettings>().OpenFga is { } openFga)
                {
                    try
                    {
                        Report(await OpenFgaStoreSetup.MigrateAsync(ServerHost.OpenFgaClient(app.Services), openFga, cancellationToken), output);
                    }
                    catch (Exception e) when (e is InvalidOperationException or Authz.AuthorizationUnavailableException or Authz.AuthzException)
                    {
                        error.WriteLine($"Cannot migrate the OpenFGA store: {e.Message}");
                        return 1;
                    }
                }
            }

            output.WriteLine("Database is up to date.");
            return 0;
        });
        return command;
    }

    private static void Report(OpenFgaStoreSetup.Outcome outcome, TextWriter output)
    {
        if (outcome.StoreCreated)
        {
            output.WriteLine($"Created OpenFGA store {outcome.StoreId}. Set {OpenFgaSettings.StoreIdKey}={outcome.StoreId} on every instance (and on the next migrate).");
        }

        output.WriteLine(outcome.ModelWritten
            ? $"Wrote authorization/model.fga as OpenFGA model {outcome.ModelId} (store {outcome.StoreId})."
            : $"OpenFGA store {outcome.StoreId} already has authorization/model.fga as its latest model {outcome.ModelId}.");
        output.WriteLine($"{OpenFgaSettings.StoreIdKey}={outcome.StoreId}");
        output.WriteLine($"{OpenFgaSettings.ModelIdKey}={outcome.ModelId} (optional: pins checks to this model)");
    }
}
