using System.Net;
using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// A browser over plain HTTP: keeps cookies, does not follow redirects (tests look at each hop), and submits
/// forms the way a browser does, with the antiforgery token read from the page it just fetched.
/// </summary>
internal sealed partial class BrowserSession : IDisposable
{
    private readonly HttpClient client;

    /// <param name="cookies">Another session's jar, to carry its cookies to another server (as one browser would to one site).</param>
    public BrowserSession(Uri baseAddress, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies }) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client => client;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => client.GetAsync(new Uri(pathAndQuery, UriKind.Relative), Cancel);

    /// <summary>GETs <paramref name="pagePath"/>, then POSTs its form (to <paramref name="postPath"/>, default the same page) with the given fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, IReadOnlyDictionary<string, string> fields, string? postPath = null)
    {
        using var page = await GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, "The form carries no antiforgery token.");
        var values = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        using var content = new FormUrlEncodedContent(values);
        return await client.PostAsync(new Uri(postPath ?? pagePath, UriKind.Relative), content, Cancel);
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
