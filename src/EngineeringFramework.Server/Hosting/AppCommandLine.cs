using System.CommandLine;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// One executable, several commands: no command (or <c>serve</c>) runs the server; operator commands
/// (<c>migrate</c>, and later <c>admin</c>, <c>framework</c>, <c>authz</c>) run and exit.
/// </summary>
internal static class AppCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Create(output, error);
        var parsed = root.Parse(args);

        // Host options (--urls, --environment, --contentRoot, Section:Key=value overrides) pass through to
        // ASP.NET Core; anything else that matched nothing is an error, reported with the usage.
        var unknown = parsed.UnmatchedTokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal) && !IsValueOfHostOption(args, t)).ToList();
        if (parsed.Errors.Count > 0 || unknown.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine(problem.Message);
            }

            foreach (var token in unknown)
            {
                error.WriteLine($"Unrecognized command or argument '{token}'.");
            }

            error.WriteLine();
            await root.Parse("--help").InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
            return 2;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    internal static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Engineering Framework: run engineering initiatives against a framework of practice. With no command, runs the server.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, cancellationToken) => ServeCommand.RunAsync(RawArgs(parse), error, cancellationToken));

        root.Subcommands.Add(ServeCommand.Create(error));
        root.Subcommands.Add(MigrateCommand.Create(output, error));
        root.Subcommands.Add(FrameworkCommands.Create(output));
        root.Subcommands.Add(AuthzCommands.Create(output));
        root.Subcommands.Add(Identity.AdminCommands.Create(output, error));
        return root;
    }

    /// <summary>The tokens handed to ASP.NET Core's configuration (everything after the command name).</summary>
    internal static string[] RawArgs(ParseResult parse) => [.. parse.UnmatchedTokens];

    // "--urls http://x" spelled as two tokens: the value follows a host option.
    private static bool IsValueOfHostOption(string[] args, string token)
    {
        var index = Array.IndexOf(args, token);
        return index > 0 && args[index - 1].StartsWith("--", StringComparison.Ordinal) && !args[index - 1].Contains('=', StringComparison.Ordinal);
    }
}
