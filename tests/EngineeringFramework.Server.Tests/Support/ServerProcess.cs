using System.Diagnostics;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>Runs the built server executable as a separate process, as an operator would.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process process;

    private ServerProcess(Process process) => this.process = process;

    public static string ServerAssembly
    {
        get
        {
            // The server's own build output sits beside this test project's in the artifacts tree:
            // artifacts/bin/EngineeringFramework.Server.Tests/<config>/ -> artifacts/bin/EngineeringFramework.Server/<config>/
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(testOutput.Parent!.Parent!.FullName, "EngineeringFramework.Server", testOutput.Name, "EngineeringFramework.Server.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
        }
    }

    public static ServerProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ServerAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A clean slate: nothing inherited from the test runner decides the outcome.
        foreach (var key in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ENCRYPTION_KEY", "PUBLIC_URL", "DATABASE_URL", "DATA_DIR", "ASPNETCORE_URLS" })
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ServerProcess(Process.Start(start)!);
    }

    public async Task<(int ExitCode, string Output, string Error)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }

    public bool HasExited => process.HasExited;

    public int Id => process.Id;

    /// <summary>
    /// Reads the process's output as it comes (a server that runs for a while would otherwise block on a full pipe);
    /// <see cref="Output"/> then holds it, for failure messages. Instead of <see cref="WaitForExitAsync"/>, not with it.
    /// </summary>
    public ServerProcess CollectOutput()
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return this;
    }

    public string Output
    {
        get
        {
            lock (collected)
            {
                return collected.ToString();
            }
        }
    }

    /// <summary>Kills the server at once, as SIGKILL (or a power cut) would: no shutdown code of its own runs.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    private readonly System.Text.StringBuilder collected = new();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (collected)
            {
                collected.AppendLine(line);
            }
        }
    }

    private bool disposed;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
