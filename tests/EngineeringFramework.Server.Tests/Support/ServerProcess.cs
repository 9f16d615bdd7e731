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

    /// <summary>
    /// An address on a loopback port that was free a moment ago, for a server that must be told its own address before it
    /// listens (PUBLIC_URL, an issuer other hosts reach). Another process could take the port in between; none here does.
    /// </summary>
    public static string FreeLoopbackAddress()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return $"http://127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
    }

    /// <summary>Starts the server on <paramref name="baseAddress"/> and returns once <paramref name="healthPath"/> answers 200.</summary>
    public static async Task<ServerProcess> StartHealthyAsync(IReadOnlyDictionary<string, string?> environment, string baseAddress, string healthPath = "/health")
    {
        var server = Start(environment, "--urls", baseAddress);
        try
        {
            await server.WaitUntilHealthyAsync(baseAddress, healthPath);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Asks <paramref name="healthPath"/> until it answers 200; the assertion is "healthy within 60 s", not a fixed wait.</summary>
    public async Task WaitUntilHealthyAsync(string baseAddress, string healthPath = "/health")
    {
        using var health = new HttpClient { BaseAddress = new Uri(baseAddress) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "no answer";
        while (true)
        {
            Assert.False(HasExited, $"the server exited while starting ({last})");
            Assert.True(DateTime.UtcNow < deadline, $"the server was not healthy within 60 s ({last})");
            try
            {
                using var answer = await health.GetAsync(new Uri(healthPath, UriKind.Relative), TestContext.Current.CancellationToken);
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{healthPath} answered {(int)answer.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
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
