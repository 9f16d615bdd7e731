using System.Net;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// The attack that consent closes: anyone can register a client with a redirect URI on their own host; a signed-in
/// person who follows a link to the authorization endpoint must see who asks, and nothing reaches the client unless
/// they approve.
/// </summary>
public sealed class ConsentTests
{
    private const string AttackerRedirect = "https://attacker.example/cb";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signed_in_person_following_a_link_from_a_new_client_sees_the_consent_page_and_no_code_leaves()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var attacker = await OAuthClient.RegisterAsync(app, AttackerRedirect, name: "Claude Code");
        using var victim = await SignedInAsync(app, "victim@example.test");

        using var response = await victim.GetAsync(attacker.AuthorizePath([audiences.Api]));
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Claude Code", html, StringComparison.Ordinal);
        Assert.Contains("name not verified", html, StringComparison.Ordinal);
        Assert.Contains("attacker.example", html, StringComparison.Ordinal);
        Assert.Contains("the REST API", html, StringComparison.Ordinal);

        // The form may end at the client, and only there: its origin is the one addition to form-action.
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("form-action 'self' https://attacker.example;", csp + ";", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deny_sends_access_denied_to_the_client_and_no_code()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app, AttackerRedirect);
        using var browser = await SignedInAsync(app, "denier@example.test");
        using var page = await browser.GetAsync(client.AuthorizePath([audiences.Api]));

        using var denied = await OAuthClient.DecideAsync(browser, await page.Content.ReadAsStringAsync(Cancel), "deny");

        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        var location = denied.Headers.Location!;
        Assert.StartsWith(AttackerRedirect, location.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.False(query.ContainsKey("code"));
        Assert.Equal("state-123", query["state"].ToString());
    }

    [Fact]
    public async Task Approval_is_remembered_per_client_and_resource_and_prompt_consent_asks_again()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await SignedInAsync(app, "approver@example.test");

        var code = await client.AuthorizeAndApproveAsync(browser, audiences.Api);
        var tokens = await client.RedeemForTokensAsync(code);
        using (var me = await client.CallAsync("/api/v1/me", tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // The same request again: the stored approval answers at once.
        using (var again = await browser.GetAsync(client.AuthorizePath([audiences.Api])))
        {
            client.CodeFrom(again);
        }

        // prompt=consent shows the page despite the approval.
        using (var forced = await browser.GetAsync(client.AuthorizePath([audiences.Api], prompt: "consent")))
        {
            Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        }

        // An approval for the REST API is not one for the MCP server.
        using (var mcp = await browser.GetAsync(client.AuthorizePath([audiences.Mcp])))
        {
            Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
            Assert.Contains("the MCP server", await mcp.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // Nor is it one for another client.
        var other = await OAuthClient.RegisterAsync(app);
        using var otherPage = await browser.GetAsync(other.AuthorizePath([audiences.Api]));
        Assert.Equal(HttpStatusCode.OK, otherPage.StatusCode);
    }

    [Fact]
    public async Task Prompt_none_without_a_stored_approval_answers_consent_required()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await SignedInAsync(app, "silent@example.test");

        using var response = await browser.GetAsync(client.AuthorizePath([audiences.Api], prompt: "none"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("consent_required", query["error"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Approval_posted_without_the_antiforgery_token_is_refused_and_issues_no_code()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app, AttackerRedirect);
        using var browser = await SignedInAsync(app, "csrf@example.test");
        using var page = await browser.GetAsync(client.AuthorizePath([audiences.Api]));
        var fields = OAuthClient.ConsentForm(await page.Content.ReadAsStringAsync(Cancel));
        fields.Remove("__RequestVerificationToken");
        fields["decision"] = "approve";

        using var forged = await browser.Client.PostAsync(new Uri("/connect/authorize", UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(forged.Headers.Location);

        // And nothing was stored: the next request still asks.
        using var next = await browser.GetAsync(client.AuthorizePath([audiences.Api]));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Two_resources_in_one_authorization_request_answer_invalid_target()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await SignedInAsync(app, "greedy@example.test");

        using var response = await browser.GetAsync(client.AuthorizePath([audiences.Api, audiences.Mcp]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("invalid_target", query["error"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Form_post_response_mode_is_refused_since_codes_travel_in_the_query_only()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await SignedInAsync(app, "formpost@example.test");

        using var response = await browser.GetAsync(client.AuthorizePath([audiences.Api]) + "&response_mode=form_post");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("code=", response.Headers.Location?.Query ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_resources_at_the_token_endpoint_answer_invalid_target()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        using var browser = await SignedInAsync(app, "greedy-token@example.test");
        var code = await client.AuthorizeAndApproveAsync(browser, audiences.Api);

        using var response = await client.RedeemAsync(code, resources: [audiences.Api, audiences.Mcp]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_target", (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(Cancel), cancellationToken: Cancel)).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Sign_in_page_on_the_way_to_a_client_allows_that_clients_origin_in_form_action_and_nothing_else()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app, "http://127.0.0.1:45678/callback");
        using var browser = new BrowserSession(app.BaseAddress);
        var returnUrl = client.AuthorizePath([audiences.Api]);

        using var signIn = await browser.GetAsync("/Account/SignIn?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Contains("form-action 'self' http://127.0.0.1:45678;", signIn.Headers.GetValues("Content-Security-Policy").Single() + ";", StringComparison.Ordinal);

        // A redirect URI the client never registered earns nothing.
        var forged = returnUrl.Replace(Uri.EscapeDataString("http://127.0.0.1:45678/callback"), Uri.EscapeDataString("https://evil.example/cb"), StringComparison.Ordinal);
        using var forgedPage = await browser.GetAsync("/Account/SignIn?returnUrl=" + Uri.EscapeDataString(forged));
        Assert.Contains("form-action 'self';", forgedPage.Headers.GetValues("Content-Security-Policy").Single() + ";", StringComparison.Ordinal);
    }

    /// <summary>A confirmed account (made as <c>admin create-user</c> makes one), signed in through the real page.</summary>
    internal static async Task<BrowserSession> SignedInAsync(TestApp app, string email)
    {
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Microsoft.AspNetCore.Identity.IdentityUser>>();
            var created = await users.CreateAsync(new Microsoft.AspNetCore.Identity.IdentityUser { UserName = email, Email = email, EmailConfirmed = true }, Accounts.Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        var browser = new BrowserSession(app.BaseAddress);
        using var signedIn = await Accounts.SignInAsync(browser, email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }
}
