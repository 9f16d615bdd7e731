using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Authz;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>
/// A stand-in OpenFGA server for tests and CI: OpenFGA's HTTP API (stores, authorization models, write, read,
/// check, batch-check, list-objects, list-users) with its JSON shapes, status codes and <c>{code, message}</c>
/// errors, evaluated by the embedded engine with one in-memory store per store id. Not a production OpenFGA:
/// nothing is persisted and relationship conditions are refused.
/// </summary>
/// <remarks>
/// <see cref="StopAsync"/> and <see cref="RestartAsync"/> take the listener down and bring it back on the same
/// port with every store intact, so tests can play "OpenFGA stopped, then back" as a database-backed server would.
/// </remarks>
public sealed class OpenFgaTestServer : IAsyncDisposable
{
    private readonly FgaStoreRegistry stores;
    private readonly string? presharedKey;
    private readonly bool quiet;
    private WebApplication? app;

    private OpenFgaTestServer(string? presharedKey, TimeProvider time, bool quiet)
    {
        stores = new FgaStoreRegistry(time);
        this.presharedKey = presharedKey;
        this.quiet = quiet;
    }

    /// <summary>Where the API listens, ending in <c>/</c>, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public bool IsRunning => app is not null;

    /// <summary>Starts listening on <paramref name="url"/> (default: a free loopback port).</summary>
    /// <param name="presharedKey">When set, every call needs <c>Authorization: Bearer {key}</c>; others answer 401.</param>
    public static async Task<OpenFgaTestServer> StartAsync(string? presharedKey = null, string url = "http://127.0.0.1:0", TimeProvider? time = null, bool quiet = true, CancellationToken cancellationToken = default)
    {
        var server = new OpenFgaTestServer(presharedKey, time ?? TimeProvider.System, quiet);
        await server.ListenAsync(url, cancellationToken);
        return server;
    }

    /// <summary>Stops listening; the stores are kept. Calls fail with "connection refused" until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (app is { } running)
        {
            app = null;
            await running.StopAsync(cancellationToken);
            await running.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same address, with the same stores.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await ListenAsync(BaseUrl.GetLeftPart(UriPartial.Authority), cancellationToken);
    }

    /// <summary>For the separate process: waits for Ctrl+C or SIGTERM.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        app?.WaitForShutdownAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stores.Dispose();
    }

    private async Task ListenAsync(string url, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(quiet ? LogLevel.Warning : LogLevel.Information);
        var web = builder.Build();
        web.Use(AnswerErrorsAsOpenFgaDoes);
        web.Use(RequirePresharedKey);
        web.MapStores(stores);
        web.MapModels(stores);
        web.MapTuples(stores);
        web.MapQueries(stores);
        web.MapFallback((HttpContext context) => FgaResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "undefined_endpoint", "Not Found"));
        await web.StartAsync(cancellationToken);
        app = web;
        BaseUrl = new Uri(web.Urls.First().TrimEnd('/') + "/");
    }

    private static async Task AnswerErrorsAsOpenFgaDoes(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (FgaError e)
        {
            await FgaResults.WriteErrorAsync(context, e.Status, e.Code, e.Message);
        }
        catch (AuthzException e)
        {
            var error = FgaError.From(e);
            await FgaResults.WriteErrorAsync(context, error.Status, error.Code, error.Message);
        }
    }

    private async Task RequirePresharedKey(HttpContext context, RequestDelegate next)
    {
        if (presharedKey is null)
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await FgaResults.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "bearer_token_missing", "missing bearer token");
            return;
        }

        // Constant time, as a key comparison should be even in a test server.
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(presharedKey)))
        {
            await FgaResults.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated", "unauthenticated");
            return;
        }

        await next(context);
    }
}
