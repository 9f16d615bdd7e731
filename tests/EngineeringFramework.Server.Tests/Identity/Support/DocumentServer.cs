using System.Collections.Concurrent;
using System.Text.Json;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>A web server on loopback that publishes client metadata documents and counts how often each is fetched.</summary>
internal sealed class DocumentServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, (string Body, string ContentType, string? CacheControl)> documents = new();
    private readonly ConcurrentDictionary<string, int> fetches = new();

    private DocumentServer(WebApplication app) => this.app = app;

    public Uri BaseAddress => new(app.Urls.First());

    public static async Task<DocumentServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new DocumentServer(app);
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            server.fetches.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (!server.documents.TryGetValue(path, out var document))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = document.ContentType;
            if (document.CacheControl is not null)
            {
                context.Response.Headers.CacheControl = document.CacheControl;
            }

            await context.Response.WriteAsync(document.Body);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return server;
    }

    /// <summary>Publishes the JSON that <paramref name="document"/> makes of the document's own URL; returns that URL (the client id).</summary>
    public string Serve(string path, Func<string, object> document, string? cacheControl = null)
    {
        var url = new Uri(BaseAddress, path).AbsoluteUri;
        documents[path] = (JsonSerializer.Serialize(document(url)), "application/json", cacheControl);
        return url;
    }

    public string ServeRaw(string path, string body, string contentType)
    {
        documents[path] = (body, contentType, null);
        return new Uri(BaseAddress, path).AbsoluteUri;
    }

    public int Fetches(string path) => fetches.TryGetValue(path, out var count) ? count : 0;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
