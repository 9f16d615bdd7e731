using System.Net;
using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// A browser reaching a Production <see cref="Tests.Support.TestApp"/> through its pretend TLS-terminating proxy:
/// every request carries <c>X-Forwarded-Proto: https</c> and the public host name, and cookies are kept as a
/// browser on <c>https://ef.example.test</c> keeps them (so <c>Secure</c> cookies are sent back, although the
/// last hop to the loopback port is plain HTTP). Like <see cref="BrowserSession"/>, it follows no redirects.
/// </summary>
internal sealed partial class ProxiedBrowserSession : IDisposable
{
    public static readonly Uri PublicOrigin = new("https://ef.example.test");

    private readonly HttpClient client;

    public ProxiedBrowserSession(Uri baseAddress)
    {
        client = new HttpClient(new ProxyHop(Cookies) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } })
        {
            BaseAddress = baseAddress,
        };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
    }

    /// <summary>The cookies as the browser holds them for <see cref="PublicOrigin"/>.</summary>
    public CookieContainer Cookies { get; } = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => client.GetAsync(new Uri(pathAndQuery, UriKind.Relative), Cancel);

    /// <summary>GETs <paramref name="pagePath"/>, then POSTs its form back with the given fields and the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, IReadOnlyDictionary<string, string> fields)
    {
        using var page = await GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync(Cancel));
        Assert.True(token.Success, "The form carries no antiforgery token.");
        var values = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        using var content = new FormUrlEncodedContent(values);
        return await client.PostAsync(new Uri(pagePath, UriKind.Relative), content, Cancel);
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>What the proxy adds, and the browser's cookie jar for the public https origin.</summary>
    private sealed class ProxyHop(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var publicUri = new Uri(PublicOrigin, request.RequestUri!.PathAndQuery);
            request.Headers.Host = PublicOrigin.Host;
            request.Headers.Add("X-Forwarded-Proto", "https");
            var cookieHeader = cookies.GetCookieHeader(publicUri);
            if (cookieHeader.Length > 0)
            {
                request.Headers.Add("Cookie", cookieHeader);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(publicUri, setCookie);
                }
            }

            return response;
        }
    }
}
