using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// A public OAuth client as an attacker or an MCP client would drive it over HTTP: register, build an authorization
/// request with PKCE S256, answer the consent page as the person would (through its real form), redeem and refresh.
/// </summary>
internal sealed partial class OAuthClient(TestApp app, string clientId, string redirectUri)
{
    public const string DefaultRedirectUri = "http://127.0.0.1:7777/callback";

    public string ClientId { get; } = clientId;

    public string RedirectUri { get; } = redirectUri;

    public Pkce Pkce { get; } = Pkce.Create();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<OAuthClient> RegisterAsync(TestApp app, string redirectUri = DefaultRedirectUri, string? name = "Test CLI", string[]? postLogoutRedirectUris = null)
    {
        var metadata = new Dictionary<string, object> { ["redirect_uris"] = new[] { redirectUri } };
        if (name is not null)
        {
            metadata["client_name"] = name;
        }

        if (postLogoutRedirectUris is not null)
        {
            metadata["post_logout_redirect_uris"] = postLogoutRedirectUris;
        }

        using var response = await app.Client.PostAsJsonAsync(new Uri("/connect/register", UriKind.Relative), metadata, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var clientId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("client_id").GetString()!;
        return new OAuthClient(app, clientId, redirectUri);
    }

    /// <summary>Path and query of an authorization request; every <paramref name="resources"/> entry becomes one <c>resource</c> parameter.</summary>
    public string AuthorizePath(string[] resources, string scope = "openid email profile offline_access", string? prompt = null, string state = "state-123")
    {
        var query = new List<KeyValuePair<string, string?>>
        {
            new("response_type", "code"),
            new("client_id", ClientId),
            new("redirect_uri", RedirectUri),
            new("scope", scope),
            new("state", state),
            new("code_challenge", Pkce.Challenge),
            new("code_challenge_method", "S256"),
        };
        query.AddRange(resources.Select(r => new KeyValuePair<string, string?>("resource", r)));
        if (prompt is not null)
        {
            query.Add(new("prompt", prompt));
        }

        return "/connect/authorize" + QueryString.Create(query);
    }

    /// <summary>The consent page's form fields (hidden parameters and the antiforgery token) as the browser would post them.</summary>
    public static Dictionary<string, string> ConsentForm(string html)
    {
        var form = FormElement().Match(html);
        Assert.True(form.Success, "The page has no consent form posting to /connect/authorize.");
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputElement().Matches(form.Value))
        {
            var name = Attribute(input.Value, "name");
            if (Attribute(input.Value, "type") == "hidden" && name is not null)
            {
                fields[name] = WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? string.Empty);
            }
        }

        return fields;
    }

    /// <summary>Posts the consent page's own form with the given decision; returns the response (a redirect to the client).</summary>
    public static async Task<HttpResponseMessage> DecideAsync(BrowserSession browser, string consentHtml, string decision)
    {
        var fields = ConsentForm(consentHtml);
        fields["decision"] = decision;
        using var content = new FormUrlEncodedContent(fields);
        return await browser.Client.PostAsync(new Uri("/connect/authorize", UriKind.Relative), content, Cancel);
    }

    /// <summary>Signed in already: authorize, approve on the consent page, return the code the client receives.</summary>
    public async Task<string> AuthorizeAndApproveAsync(BrowserSession browser, string resource)
    {
        using var page = await browser.GetAsync(AuthorizePath([resource]));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var approved = await DecideAsync(browser, await page.Content.ReadAsStringAsync(Cancel), "approve");
        return CodeFrom(approved);
    }

    /// <summary>The code in a redirect to this client's redirect URI (asserting that it goes there).</summary>
    public string CodeFrom(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri, location.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.True(query.ContainsKey("code"), $"No code in {location}");
        return query["code"].ToString();
    }

    public Task<HttpResponseMessage> RedeemAsync(string code, string? verifier = null, string[]? resources = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", RedirectUri),
            new("client_id", ClientId),
            new("code_verifier", verifier ?? Pkce.Verifier),
        };
        fields.AddRange((resources ?? []).Select(r => new KeyValuePair<string, string>("resource", r)));
        return app.Client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);
    }

    public async Task<Tokens> RedeemForTokensAsync(string code)
    {
        using var response = await RedeemAsync(code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Tokens.ReadAsync(response);
    }

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken)
        => app.Client.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ClientId,
        }), Cancel);

    /// <summary>RFC 7009: the client hands back one of its tokens (a public client names itself by <c>client_id</c>).</summary>
    public Task<HttpResponseMessage> RevokeAsync(string token, string? tokenTypeHint = null)
    {
        var fields = new Dictionary<string, string> { ["token"] = token, ["client_id"] = ClientId };
        if (tokenTypeHint is not null)
        {
            fields["token_type_hint"] = tokenTypeHint;
        }

        return app.Client.PostAsync(new Uri("/connect/revoke", UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);
    }

    public async Task<HttpResponseMessage> CallAsync(string path, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await app.Client.SendAsync(request, Cancel);
    }

    private static string? Attribute(string element, string name)
    {
        var match = Regex.Match(element, "\\s" + name + "=\"([^\"]*)\"", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<form[^>]*action=\"/connect/authorize\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormElement();

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputElement();

    internal sealed record Tokens(string AccessToken, string? RefreshToken, string? IdToken)
    {
        public static async Task<Tokens> ReadAsync(HttpResponseMessage response)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
            var root = body.RootElement;
            return new Tokens(
                root.GetProperty("access_token").GetString()!,
                root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
                root.TryGetProperty("id_token", out var id) ? id.GetString() : null);
        }
    }
}
