using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// The whole embedded sign-in, over HTTP only: register a public client (RFC 7591), sign up, confirm from the
/// outbox, sign in, approve the client on the consent page, authorization code + PKCE S256, token exchange, then the
/// API with the token.
/// </summary>
public sealed class BrowserSignInFlowTests
{
    private const string RedirectUri = "http://127.0.0.1:7777/callback";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signed_up_user_gets_a_token_through_code_and_pkce_that_the_api_accepts_and_mcp_refuses()
    {
        await using var app = await TestApp.StartAsync(configure: AudienceProbeEndpoints.AddTo, listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        using var browser = new BrowserSession(app.BaseAddress);
        var clientId = await RegisterClientAsync(app);
        await Accounts.SignUpAndConfirmAsync(browser, app, "ada@example.test");

        var pkce = Pkce.Create();
        var authorize = "/connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid email profile offline_access",
            ["state"] = "state-123",
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
            ["resource"] = audiences.Api,
        });

        // No session yet: the authority sends the browser to sign in, and back here afterwards.
        using var toSignIn = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        var signInLocation = toSignIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/Account/SignIn?returnUrl=", signInLocation, StringComparison.Ordinal);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(app.BaseAddress, signInLocation).Query)["returnUrl"].ToString();

        using var signedIn = await Accounts.SignInAsync(browser, "ada@example.test", Accounts.Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(returnUrl, signedIn.Headers.Location!.OriginalString);

        // Signed in now, but no code yet: the person is asked first.
        using var consent = await browser.GetAsync(returnUrl);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        using var toClient = await OAuthClient.DecideAsync(browser, await consent.Content.ReadAsStringAsync(Cancel), "approve");
        Assert.Equal(HttpStatusCode.Redirect, toClient.StatusCode);
        var callback = toClient.Headers.Location!;
        Assert.StartsWith(RedirectUri, callback.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("state-123", query["state"].ToString());

        using var tokens = await app.Client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = pkce.Verifier,
        }), Cancel);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        using var body = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync(Cancel));
        var accessToken = body.RootElement.GetProperty("access_token").GetString()!;
        var refreshToken = body.RootElement.GetProperty("refresh_token").GetString()!;

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(accessToken);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(audiences.Issuer, jwt.Issuer);
        Assert.Equal([audiences.Api], jwt.Audiences);

        using var me = await CallAsync(app, "/api/v1/me", accessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("ada@example.test", (await me.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("email").GetString());

        // Issued for the API, so the MCP surface refuses it.
        using var mcp = await CallAsync(app, AudienceProbeEndpoints.McpProbe, accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, mcp.StatusCode);

        // Refresh tokens rotate: the first use succeeds, a replay of the same token is refused.
        using var refreshed = await RefreshAsync(app, clientId, refreshToken);
        using var replayed = await RefreshAsync(app, clientId, refreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
    }

    [Fact]
    public async Task Authorization_request_with_plain_pkce_is_refused()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var clientId = await RegisterClientAsync(app);

        using var response = await app.Client.GetAsync(new Uri("/connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid",
            ["code_challenge"] = "plain-challenge-plain-challenge-plain-challenge-0123",
            ["code_challenge_method"] = "plain",
        }), UriKind.Relative), Cancel);

        // Refused outright: no sign-in page, no redirect carrying a code.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authorization_request_without_pkce_is_refused()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var clientId = await RegisterClientAsync(app);

        using var response = await app.Client.GetAsync(new Uri("/connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid",
        }), UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    internal static async Task<string> RegisterClientAsync(TestApp app)
    {
        using var response = await app.Client.PostAsJsonAsync(new Uri("/connect/register", UriKind.Relative), new Dictionary<string, object>
        {
            ["client_name"] = "Test CLI",
            ["redirect_uris"] = new[] { RedirectUri },
        }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("client_id").GetString()!;
    }

    private static async Task<HttpResponseMessage> CallAsync(TestApp app, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.Client.SendAsync(request, Cancel);
    }

    private static Task<HttpResponseMessage> RefreshAsync(TestApp app, string clientId, string refreshToken)
        => app.Client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
        }), Cancel);
}
