using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A third-party OAuth client's own web server on loopback, as the browser meets it: a start page carrying the link
/// the client hands people (<c>/</c>), and the client's redirect URI (<c>/callback</c>), which records exactly what
/// the browser delivered there, query string as it arrived, and shows it on the page for the screenshot.
/// </summary>
internal sealed class ClientSite : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<Arrival> arrivals = Channel.CreateUnbounded<Arrival>();
    private volatile string link = "about:blank";
    private int count;

    private ClientSite(WebApplication app) => this.app = app;

    public Uri BaseAddress => new(app.Urls.First());

    /// <summary>The redirect URI to register: http on 127.0.0.1 with this server's port (RFC 8252 loopback).</summary>
    public string RedirectUri => new Uri(BaseAddress, "/callback").AbsoluteUri;

    public string StartPage => BaseAddress.AbsoluteUri;

    /// <summary>How many requests reached the redirect URI so far.</summary>
    public int Arrivals => Volatile.Read(ref count);

    public static async Task<ClientSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var site = new ClientSite(app);
        app.MapGet("/", () => Html("Example client", $"<p><a id=\"connect\" href=\"{WebUtility.HtmlEncode(site.link)}\">Connect to Engineering Framework</a></p>"));
        app.MapGet("/callback", (HttpContext context) =>
        {
            var arrival = new Arrival(context.Request.QueryString.Value ?? string.Empty, QueryHelpers.ParseQuery(context.Request.QueryString.Value));
            Interlocked.Increment(ref site.count);
            site.arrivals.Writer.TryWrite(arrival);
            var rows = string.Concat(arrival.Parameters.Select(p => $"<dt>{WebUtility.HtmlEncode(p.Key)}</dt><dd>{WebUtility.HtmlEncode(p.Value.ToString())}</dd>"));
            return Html("The client received", $"<dl id=\"received\">{rows}</dl>");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return site;
    }

    /// <summary>Sets the link on the start page: what a client (or an attacker posing as one) sends people to.</summary>
    public void Link(string url) => link = url;

    /// <summary>
    /// The next request the browser delivered to the redirect URI, waiting at most <paramref name="timeout"/>: nothing
    /// arriving (a refused redirect, a blocked form) fails the test with that said.
    /// </summary>
    public async Task<Arrival> NextArrivalAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await arrivals.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Nothing reached the client's redirect URI {RedirectUri} within {timeout.TotalSeconds:0} s.");
        }
    }

    private static IResult Html(string title, string body)
        => Results.Content($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>", "text/html; charset=utf-8");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>One request to the redirect URI: its raw query and the parameters in it.</summary>
    internal sealed record Arrival(string Query, Dictionary<string, StringValues> Parameters)
    {
        public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value.ToString() : null;

        public bool Has(string name) => Parameters.ContainsKey(name);
    }
}
