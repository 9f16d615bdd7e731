using System.CommandLine;
using EngineeringFramework.Core.Crypto;

namespace EngineeringFramework.Server.Hosting;

internal static class ServeCommand
{
    public static Command Create(TextWriter error)
    {
        var command = new Command("serve", "Run the web server (the default when no command is given). ASP.NET Core options such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(AppCommandLine.RawArgs(parse), error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken)
    {
        var app = ServerHost.Build(args, error);
        if (app is null)
        {
            return 1;
        }

        await using (app)
        {
            // Resolve key material now, so a development key is generated (and logged) at start, not on first use.
            _ = app.Services.GetRequiredService<SecretBox>();
            try
            {
                await ServerHost.PrepareDatabaseAsync(app, cancellationToken);
            }
            catch (Exception e) when (e is SqliteInUseException or StartupRefusedException)
            {
                error.WriteLine($"Engineering Framework cannot start: {e.Message}");
                return 1;
            }

            await app.RunAsync(cancellationToken);
        }

        return 0;
    }
}
