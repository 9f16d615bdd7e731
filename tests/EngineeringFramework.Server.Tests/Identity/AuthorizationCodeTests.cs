using System.Net;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// What an intercepted authorization code or a forged authorization request earns: nothing. A code redeems only with the
/// PKCE verifier of the request that asked for it, only once (a second redemption shows that two parties hold it, and the
/// grant its first redemption opened ends, RFC 9700 §4.2.4 and §2.1.1), and a code is sent only to a redirect URI the
/// client registered.
/// </summary>
public sealed class AuthorizationCodeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_code_redeemed_with_the_wrong_code_verifier_earns_invalid_grant_and_no_tokens()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await ConsentTests.SignedInAsync(app, "pkce@example.test");
        var code = await client.AuthorizeAndApproveAsync(browser, audiences.Api);

        // A well-formed verifier, just not the one whose S256 challenge went with the authorization request.
        using var response = await client.RedeemAsync(code, verifier: Pkce.Create().Verifier);

        await AssertRefusedAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task A_code_redeemed_twice_is_refused_the_second_time_and_the_tokens_of_the_first_stop_working()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await ConsentTests.SignedInAsync(app, "code-reuse@example.test");
        var code = await client.AuthorizeAndApproveAsync(browser, audiences.Api);
        var first = await client.RedeemForTokensAsync(code);
        using (var me = await client.CallAsync("/api/v1/me", first.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using var again = await client.RedeemAsync(code);

        await AssertRefusedAsync(again, "invalid_grant");
        await RevocationTests.AssertEndedAsync(client, first);
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("http://127.0.0.1:7777/elsewhere")]
    [InlineData("http://127.0.0.1:7777/callback?next=https://evil.example/")]
    [InlineData("http://localhost:7777/callback")]
    public async Task An_unregistered_redirect_uri_shows_the_person_an_error_and_sends_nothing_there(string unregistered)
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        Assert.Equal("http://127.0.0.1:7777/callback", client.RedirectUri);
        using var browser = await ConsentTests.SignedInAsync(app, "redirect@example.test");
        var path = client.AuthorizePath([audiences.Api])
            .Replace("redirect_uri=" + Uri.EscapeDataString(client.RedirectUri), "redirect_uri=" + Uri.EscapeDataString(unregistered), StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(unregistered), path, StringComparison.Ordinal);

        using var response = await browser.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync(Cancel);

        // Shown to the person who followed the link, not handed to whoever wrote it: no redirect at all, no consent form.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", body, StringComparison.Ordinal);
        Assert.Contains("redirect_uri", body, StringComparison.Ordinal);
        Assert.DoesNotContain("decision", body, StringComparison.Ordinal);

        // The registered one, asked the same way, does reach the consent page: the refusal was the redirect URI's.
        using var registered = await browser.GetAsync(client.AuthorizePath([audiences.Api]));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(Cancel), cancellationToken: Cancel);
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        foreach (var token in new[] { "access_token", "refresh_token", "id_token" })
        {
            Assert.False(body.RootElement.TryGetProperty(token, out _), $"a refused redemption carries no {token}");
        }
    }
}
