using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Client ID Metadata Documents: a client names itself by the URL of its metadata; the server fetches it, holds it to
/// the public-client rules, lets it use only the redirect URIs it lists, and asks the person as for any client.
/// Development accepts a document served over http from loopback, which is what these tests use.
/// </summary>
public sealed class MetadataDocumentClientTests
{
    private const string RedirectUri = "http://127.0.0.1:7777/callback";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task Discovery_advertises_metadata_document_support(string path)
    {
        await using var app = await TestApp.StartAsync();

        var document = await app.Client.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative), Cancel);

        Assert.True(document.GetProperty("client_id_metadata_document_supported").GetBoolean());
    }

    [Fact]
    public async Task A_metadata_document_client_is_shown_with_its_publisher_and_gets_a_code_once_approved()
    {
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var clientId = documents.Serve("/clients/agent.json", id => new { client_id = id, client_name = "Agent from a document", redirect_uris = new[] { RedirectUri } });
        var client = new OAuthClient(app, clientId, RedirectUri);
        using var browser = await ConsentTests.SignedInAsync(app, "cimd@example.test");

        using var page = await browser.GetAsync(client.AuthorizePath([audiences.Mcp]));
        var html = await page.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Agent from a document", html, StringComparison.Ordinal);
        Assert.Contains("Published by", html, StringComparison.Ordinal);
        Assert.Contains(new Uri(clientId).Authority, html, StringComparison.Ordinal);

        using var approved = await OAuthClient.DecideAsync(browser, html, "approve");
        var tokens = await client.RedeemForTokensAsync(client.CodeFrom(approved));
        Assert.Equal([audiences.Mcp], new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken).Audiences);
    }

    [Fact]
    public async Task A_redirect_uri_the_document_does_not_list_is_refused_without_redirecting()
    {
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var clientId = documents.Serve("/clients/narrow.json", id => new { client_id = id, redirect_uris = new[] { RedirectUri } });
        var client = new OAuthClient(app, clientId, "http://127.0.0.1:9999/elsewhere");
        using var browser = await ConsentTests.SignedInAsync(app, "narrow@example.test");

        using var response = await browser.GetAsync(client.AuthorizePath([audiences.Api]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("mismatch")]
    [InlineData("secret")]
    [InlineData("https-redirect")]
    [InlineData("too-large")]
    [InlineData("not-json")]
    public async Task A_document_that_breaks_the_rules_is_refused_as_invalid_client(string flaw)
    {
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var clientId = flaw switch
        {
            "mismatch" => documents.Serve("/clients/a.json", _ => new { client_id = "https://someone-else.example/client.json", redirect_uris = new[] { RedirectUri } }),
            "secret" => documents.Serve("/clients/a.json", id => new { client_id = id, client_secret = "s3cret", redirect_uris = new[] { RedirectUri } }),
            "https-redirect" => documents.Serve("/clients/a.json", id => new { client_id = id, redirect_uris = new[] { "http://attacker.example/cb" } }),
            "too-large" => documents.Serve("/clients/a.json", id => new { client_id = id, redirect_uris = new[] { RedirectUri }, padding = new string('x', 20_000) }),
            _ => documents.ServeRaw("/clients/a.json", "this is not json", "application/json"),
        };
        var client = new OAuthClient(app, clientId, RedirectUri);
        using var browser = await ConsentTests.SignedInAsync(app, $"flaw-{flaw}@example.test");

        using var response = await browser.GetAsync(client.AuthorizePath([audiences.Api]));

        // invalid_client is answered to the browser (401, as OpenIddict answers it), never to a redirect URI.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_is_kept_as_long_as_its_cache_headers_say_and_fetched_again_after()
    {
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var cached = documents.Serve("/clients/cached.json", id => new { client_id = id, redirect_uris = new[] { RedirectUri } }, cacheControl: "max-age=3600");
        var uncached = documents.Serve("/clients/uncached.json", id => new { client_id = id, redirect_uris = new[] { RedirectUri } }, cacheControl: "no-cache");
        using var browser = await ConsentTests.SignedInAsync(app, "cache@example.test");

        foreach (var clientId in new[] { cached, uncached, cached, uncached })
        {
            using var page = await browser.GetAsync(new OAuthClient(app, clientId, RedirectUri).AuthorizePath([audiences.Api]));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        Assert.Equal(1, documents.Fetches("/clients/cached.json"));
        Assert.Equal(2, documents.Fetches("/clients/uncached.json"));
    }

    [Fact]
    public async Task Outside_development_a_loopback_or_plain_http_client_id_is_never_fetched()
    {
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync("Production");
        var httpId = documents.Serve("/clients/local.json", id => new { client_id = id, redirect_uris = new[] { RedirectUri } });
        var httpsLoopbackId = "https://127.0.0.1:" + new Uri(httpId).Port + "/clients/local.json";

        foreach (var clientId in new[] { httpId, httpsLoopbackId, "https://localhost/clients/local.json" })
        {
            var client = new OAuthClient(app, clientId, RedirectUri);
            using var response = await app.Client.GetAsync(new Uri(client.AuthorizePath([]), UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(0, documents.Fetches("/clients/local.json"));
    }
}
