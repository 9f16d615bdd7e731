using System.Diagnostics;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// Runs one <c>admin</c> command of the built server executable as an operator would, with standard input
/// written and closed (for <c>--password-stdin</c>), and nothing inherited from the test runner's environment.
/// </summary>
internal static class AdminProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly string[] Cleared =
    [
        "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ENCRYPTION_KEY", "PUBLIC_URL", "DATABASE_URL", "DATA_DIR", "ASPNETCORE_URLS",
        "AUTH_SIGNING_KEY", "AUTH_SIGNING_KEY_PREVIOUS", "AUTH_AUTHORITY", "AUTH_CLIENT_ID", "AUTH_CLIENT_SECRET", "AUTH_AUDIENCES", "MIGRATE_ON_START",
    ];

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ServerProcess.ServerAssembly);
        start.ArgumentList.Add("admin");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in Cleared)
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
            var error = process.StandardError.ReadToEndAsync(cancel.Token);
            if (standardInput is not null)
            {
                await process.StandardInput.WriteLineAsync(standardInput.AsMemory(), cancel.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancel.Token);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
