using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// The browsable API reference: in Development a page whose every script and stylesheet comes from this server
/// (nothing from a CDN, so it works offline) under a CSP that still allows only our own scripts; in Production, nothing.
/// </summary>
public sealed partial class ApiReferenceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Development_serves_the_reference_page_and_its_assets_from_our_own_origin()
    {
        await using var app = await TestApp.StartAsync();

        using var redirect = await app.Client.GetAsync(new Uri("/api/reference", UriKind.Relative), Cancel);
        using var page = await app.Client.GetAsync(new Uri("/api/reference/index.html", UriKind.Relative), Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).Distinct().ToList();

        Assert.True(redirect.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.OK, $"/api/reference: {redirect.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            // Relative to the page, so served by this origin: no scheme, no host, no protocol-relative URL.
            Assert.False(Uri.TryCreate(asset, UriKind.Absolute, out _) || asset.StartsWith("//", StringComparison.Ordinal), $"{asset} is not local.");
            var url = new Uri(new Uri(app.BaseAddress, "/api/reference/index.html"), asset);
            Assert.Equal(app.BaseAddress.Authority, url.Authority);
            using var response = await app.Client.GetAsync(url, Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url.PathAndQuery}: {response.StatusCode}");
            Assert.True((await response.Content.ReadAsByteArrayAsync(Cancel)).Length > 0, $"{url.PathAndQuery} is empty.");
        }

        // The page reads the OpenAPI document from this origin too.
        using var configuration = await app.Client.GetAsync(new Uri("/api/reference/index.js", UriKind.Relative), Cancel);
        var script = await configuration.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("\"url\":\"/openapi/v1.json\"", script, StringComparison.Ordinal);
        using var document = await app.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task Other_pages_keep_the_strict_style_policy_in_development()
    {
        await using var app = await TestApp.StartAsync();

        using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);

        Assert.Contains("style-src 'self';", string.Join(' ', health.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    /// <remarks>One server for every path: tokens are minted with the one Production test key, and a key is never shared between servers.</remarks>
    [Fact]
    public async Task Production_serves_no_reference()
    {
        await using var app = await TestApp.StartAsync("Production");
        using var client = app.ApiClientFor("reader");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Host = "ef.example.test";

        foreach (var path in new[] { "/api/reference", "/api/reference/index.html", "/api/reference/swagger-ui-bundle.js", "/api/reference/index.js", "/openapi/v1.json" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        // The same token is good for the API itself, so the 404s above are not a refused caller.
        using var me = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [GeneratedRegex("<(?:script|link)\\b[^>]*?\\s(?:src|href)=\"(?<url>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex AssetReference();

    [GeneratedRegex("<script\\b(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
