using System.CommandLine;
using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Server.Hosting;

/// <summary><c>authz test|conformance|dsl-export</c>: the relationship engine's own checks, runnable by operators and CI.</summary>
internal static class AuthzCommands
{
    public static Command Create(TextWriter output)
    {
        var storeFile = new Argument<string>("file") { Description = "A store file in the format of `fga model test` (.fga.yaml)." };
        var test = new Command("test", "Run a store file's check, list_objects and list_users tests; exit 0 only when none failed.") { storeFile };
        test.SetAction(parse => StoreFileRunner.Run(parse.GetRequiredValue(storeFile), output));

        var suite = new Argument<string>("file") { Description = "A file in the format of OpenFGA's consolidated_1_1_tests.yaml." };
        var remote = new Option<string>("--remote") { Description = "Run against the OpenFGA server at this URL (each test in a store of its own) instead of the embedded engine." };
        var token = new Option<string>("--token") { Description = "The server's preshared key, sent as a bearer token (with --remote)." };
        var conformance = new Command("conformance", "Run OpenFGA's conformance suite format against the embedded engine, or an OpenFGA server with --remote.") { suite, remote, token };
        conformance.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(remote) is not { } url)
            {
                return ConformanceRunner.Run(parse.GetRequiredValue(suite), output);
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
            {
                output.WriteLine($"--remote must be an http or https URL, not '{url}'.");
                return 2;
            }

            return (await ConformanceRunner.RunRemoteAsync(parse.GetRequiredValue(suite), api, parse.GetValue(token), output, cancellationToken)).ExitCode;
        });

        var source = new Argument<string>("conformance-file") { Description = "The conformance file whose models are converted." };
        var target = new Argument<string>("output") { Description = "Where to write the JSON of every model, keyed by test name and stage." };
        var export = new Command("dsl-export", "Convert every model of a conformance file from DSL to OpenFGA JSON (for comparison with the official transformer).") { source, target };
        export.SetAction(parse => DslFidelity.ExportModels(parse.GetRequiredValue(source), parse.GetRequiredValue(target), output));

        return new Command("authz", "Authorization engine commands.") { test, conformance, export };
    }
}
