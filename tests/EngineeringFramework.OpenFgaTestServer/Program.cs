using EngineeringFramework.OpenFgaTestServer;

// dotnet EngineeringFramework.OpenFgaTestServer.dll --urls http://127.0.0.1:8089 [--preshared-key KEY] [--control-urls URL]
// The key may also come from OPENFGA_AUTHN_PRESHARED_KEYS, the variable OpenFGA itself reads (first key only).
// --control-urls opens a second listener for scripts that play "OpenFGA stopped, then back" against a separate process:
// POST /api/stop takes the API listener down (connections are refused), POST /api/start brings it back on the same
// address with every store intact, as a database-backed OpenFGA comes back after a restart. It stays up throughout,
// listens where it is told (use loopback), and is not part of OpenFGA's API.
var url = Argument("--urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://127.0.0.1:8080";
var key = Argument("--preshared-key") ?? Environment.GetEnvironmentVariable("OPENFGA_AUTHN_PRESHARED_KEYS")?.Split(',')[0];
await using var server = await OpenFgaTestServer.StartAsync(string.IsNullOrEmpty(key) ? null : key, url, quiet: false);
Console.WriteLine($"OpenFGA test server (not for production) listening on {server.BaseUrl}");
if (Argument("--control-urls") is { } controlUrl)
{
    await using var control = await StartControlAsync(controlUrl);
    await control.WaitForShutdownAsync();
}
else
{
    await server.WaitForShutdownAsync();
}

async Task<WebApplication> StartControlAsync(string address)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls(address);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    var control = builder.Build();
    var gate = new SemaphoreSlim(1, 1);
    control.MapPost("/api/stop", async () => await OneAtATime(gate, server.StopAsync));
    control.MapPost("/api/start", async () => await OneAtATime(gate, server.RestartAsync));
    control.MapGet("/api", () => Results.Text(server.IsRunning ? "running" : "stopped"));
    await control.StartAsync();
    Console.WriteLine($"Control listener on {address}: POST /api/stop, POST /api/start");
    return control;
}

static async Task<IResult> OneAtATime(SemaphoreSlim gate, Func<CancellationToken, Task> change)
{
    await gate.WaitAsync();
    try
    {
        await change(CancellationToken.None);
        return Results.NoContent();
    }
    finally
    {
        gate.Release();
    }
}

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
