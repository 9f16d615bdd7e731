using System.Net;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// RP-initiated logout cannot be forced on anyone (no sign-out from a bare GET) and cannot bounce a browser to a URI
/// some other client registered.
/// </summary>
public sealed class EndSessionTests
{
    private const string ProtectedPage = "/Manage/TwoFactor";
    private const string LogoutUri = "http://127.0.0.1:7777/signed-out";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_without_id_token_hint_asks_and_leaves_the_person_signed_in()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var client = await OAuthClient.RegisterAsync(app, postLogoutRedirectUris: [LogoutUri]);
        using var browser = await ConsentTests.SignedInAsync(app, "stay@example.test");

        using var response = await browser.GetAsync("/connect/endsession?client_id=" + client.ClientId + "&post_logout_redirect_uri=" + Uri.EscapeDataString(LogoutUri));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Sign out?", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var still = await browser.GetAsync(ProtectedPage);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Confirmed_sign_out_without_a_hint_goes_home_not_to_the_requested_uri()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var client = await OAuthClient.RegisterAsync(app, postLogoutRedirectUris: [LogoutUri]);
        using var browser = await ConsentTests.SignedInAsync(app, "confirm@example.test");
        var page = "/connect/endsession?client_id=" + client.ClientId + "&post_logout_redirect_uri=" + Uri.EscapeDataString(LogoutUri);

        using var signedOut = await browser.SubmitAsync(page, new Dictionary<string, string> { ["client_id"] = client.ClientId, ["post_logout_redirect_uri"] = LogoutUri }, "/connect/endsession");

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/", signedOut.Headers.Location!.OriginalString);
        using var after = await browser.GetAsync(ProtectedPage);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Post_without_the_antiforgery_token_signs_nobody_out()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await ConsentTests.SignedInAsync(app, "forged-post@example.test");

        using var forged = await browser.Client.PostAsync(new Uri("/connect/endsession", UriKind.Relative), new FormUrlEncodedContent([]), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var still = await browser.GetAsync(ProtectedPage);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Get_with_the_clients_own_id_token_hint_signs_out_and_returns_to_its_registered_uri()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app, postLogoutRedirectUris: [LogoutUri]);
        using var browser = await ConsentTests.SignedInAsync(app, "hinted@example.test");
        var tokens = await client.RedeemForTokensAsync(await client.AuthorizeAndApproveAsync(browser, audiences.Api));
        Assert.NotNull(tokens.IdToken);

        using var response = await browser.GetAsync("/connect/endsession" + QueryString.Create(new Dictionary<string, string?>
        {
            ["id_token_hint"] = tokens.IdToken,
            ["post_logout_redirect_uri"] = LogoutUri,
            ["state"] = "bye",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(LogoutUri, location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("bye", QueryHelpers.ParseQuery(location.Query)["state"].ToString());
        using var after = await browser.GetAsync(ProtectedPage);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_hint_from_one_client_never_redirects_to_a_uri_another_client_registered()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var honest = await OAuthClient.RegisterAsync(app, postLogoutRedirectUris: [LogoutUri]);
        await OAuthClient.RegisterAsync(app, "https://evil.example/cb", postLogoutRedirectUris: ["https://evil.example/bounce"]);
        using var browser = await ConsentTests.SignedInAsync(app, "bounced@example.test");
        var tokens = await honest.RedeemForTokensAsync(await honest.AuthorizeAndApproveAsync(browser, audiences.Api));

        using var response = await browser.GetAsync("/connect/endsession" + QueryString.Create(new Dictionary<string, string?>
        {
            ["id_token_hint"] = tokens.IdToken,
            ["post_logout_redirect_uri"] = "https://evil.example/bounce",
        }));

        Assert.False(
            response.Headers.Location?.AbsoluteUri.StartsWith("https://evil.example", StringComparison.Ordinal) == true,
            "The browser was sent to a URI another client registered.");
    }
}
