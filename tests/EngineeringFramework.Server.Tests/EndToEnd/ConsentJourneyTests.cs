using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// The attack consent stops, in a real browser: a person signed in to Engineering Framework follows a link that a
/// client nobody vetted hands them (registered a moment ago, or named by a metadata document it publishes itself).
/// Before consent, that link alone sent the person's code to the client. Now the person sees who asks (the name it chose,
/// marked as not verified, and where the answer goes), Deny sends the client <c>error=access_denied</c> and nothing else,
/// and only Allow sends a code, which the client redeems with its PKCE verifier. What the client receives is read at
/// the client's own loopback server, so a redirect the browser refuses (a <c>form-action</c> block) fails the journey,
/// as does anything the browser reports against a page's Content Security Policy.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed class ConsentJourneyTests
{
    /// <summary>Upper bound for the browser to deliver the answer to the client (shared CI machines).</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registered_client_gets_access_denied_on_deny_and_a_code_that_redeems_only_on_allow()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        await using var site = await ClientSite.StartAsync();
        // Any name at all: a registration is anonymous, so the page must not let the name vouch for the client.
        var client = await OAuthClient.RegisterAsync(app, site.RedirectUri, name: "Claude Code");
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "consent-registered");
        // The consent page is reached only through a client's request, so its accessibility is checked here, on the way.
        if (Axe.ScriptIfInstalled() is { } axe)
        {
            await chromium.AddScriptToEveryPageAsync(axe);
        }

        await chromium.WalkAsync(() => WalkAsync(app, site, chromium, client, "Claude Code", publishedBy: null, Api(app)));
    }

    [Fact]
    public async Task Metadata_document_client_gets_access_denied_on_deny_and_a_code_that_redeems_only_on_allow()
    {
        HeadlessChromium.RequireExecutable();
        await using var documents = await DocumentServer.StartAsync();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        await using var site = await ClientSite.StartAsync();
        // Development accepts a document on http loopback; the client id is the document's URL.
        var clientId = documents.Serve("/clients/agent.json", id => new { client_id = id, client_name = "Agent from a document", redirect_uris = new[] { site.RedirectUri } });
        var client = new OAuthClient(app, clientId, site.RedirectUri);
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "consent-metadata-document");
        await chromium.WalkAsync(() => WalkAsync(app, site, chromium, client, "Agent from a document", publishedBy: new Uri(clientId).Authority, Mcp(app)));
    }

    /// <summary>
    /// The watch the journeys rely on sees what it must: a consent form posted from a page whose policy allows only
    /// our own origin (here the two-factor page, as an injected form) ends in a redirect the browser refuses, the
    /// refusal is reported, and nothing reaches the client. Were the watch blind, the journeys' "no reports" would
    /// prove nothing.
    /// </summary>
    [Fact]
    public async Task The_browser_watch_reports_a_form_action_refusal_of_the_redirect_to_the_client()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        await using var site = await ClientSite.StartAsync();
        var client = await OAuthClient.RegisterAsync(app, site.RedirectUri);
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "consent-watch");
        await chromium.WalkAsync(async () =>
        {
            var page = chromium.Page;
            SetDefaultExpectTimeout(30_000);
            const string email = "watched@example.test";
            await BrowserAccounts.CreateConfirmedAsync(app, email);
            await BrowserAccounts.SignInAsync(page, email);

            await page.GotoAsync(client.AuthorizePath([Api(app)]));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Deny", Exact = true })).ToBeVisibleAsync();
            var fields = await page.EvaluateAsync<string[][]>(
                "() => [...document.querySelectorAll('form[action=\"/connect/authorize\"] input[type=hidden]')].map(i => [i.name, i.value])");
            Assert.NotEmpty(fields);
            Assert.Empty(chromium.ContentSecurityPolicyReports);

            await page.GotoAsync("/Manage/TwoFactor");
            await page.EvaluateAsync(
                """
                fields => {
                  const form = document.createElement('form');
                  form.method = 'post';
                  form.action = '/connect/authorize';
                  for (const [name, value] of [...fields, ['decision', 'deny']]) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.append(input);
                  }
                  document.body.append(form);
                  form.submit();
                }
                """,
                fields);

            var report = await chromium.FirstContentSecurityPolicyReport.WaitAsync(Delivery, Cancel);
            Assert.Contains("form-action", report, StringComparison.Ordinal);
            Assert.Equal(0, site.Arrivals);
        });
    }

    private static async Task WalkAsync(TestApp app, ClientSite site, HeadlessChromium chromium, OAuthClient client, string clientName, string? publishedBy, string resource)
    {
        var page = chromium.Page;
        SetDefaultExpectTimeout(30_000);
        const string email = "person@example.test";
        var user = await BrowserAccounts.CreateConfirmedAsync(app, email);
        await BrowserAccounts.SignInAsync(page, email);
        var redirectHost = new Uri(site.RedirectUri).Authority;

        // The person follows the client's link and is asked, with what cannot be faked shown beside the chosen name.
        site.Link(new Uri(app.BaseAddress, client.AuthorizePath([resource], state: "first-try")).AbsoluteUri);
        await FollowClientLinkAsync(page, site);
        await ExpectConsentPageAsync(page, clientName, redirectHost, publishedBy, email);
        Assert.Equal(0, site.Arrivals);
        await chromium.ScreenshotAsync("consent");
        if (await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            var violations = new List<string>(await Axe.SeriousViolationsAsync(page, "consent (1280)"));
            await page.SetViewportSizeAsync(375, 812);
            violations.AddRange(await Axe.SeriousViolationsAsync(page, "consent (375)"));
            await chromium.ScreenshotAsync("consent-375");
            await page.SetViewportSizeAsync(1280, 900);
            Assert.True(violations.Count == 0, "Serious or critical accessibility violations:\n" + string.Join('\n', violations));
        }

        // Deny: the client hears access_denied (with its state) and gets no code.
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny", Exact = true }).ClickAsync();
        var denied = await site.NextArrivalAsync(Delivery);
        Assert.Equal("access_denied", denied["error"]);
        Assert.Equal("first-try", denied["state"]);
        Assert.False(denied.Has("code"), $"A denied request delivered a code: {denied.Query}");
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(site.RedirectUri) + @"\?"));
        await Expect(page.Locator("#received")).ToContainTextAsync("access_denied");
        await chromium.ScreenshotAsync("denied-client-received-access-denied");

        // Denying stored nothing: the same link asks again.
        site.Link(new Uri(app.BaseAddress, client.AuthorizePath([resource], state: "second-try")).AbsoluteUri);
        await FollowClientLinkAsync(page, site);
        await ExpectConsentPageAsync(page, clientName, redirectHost, publishedBy, email);
        Assert.Equal(1, site.Arrivals);
        await chromium.ScreenshotAsync("consent-again");

        // Allow: the client gets a code (and its state), and no error.
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();
        var allowed = await site.NextArrivalAsync(Delivery);
        Assert.Equal("second-try", allowed["state"]);
        Assert.False(allowed.Has("error"), $"An allowed request delivered an error: {allowed.Query}");
        var code = allowed["code"];
        Assert.False(string.IsNullOrEmpty(code), $"No code delivered: {allowed.Query}");
        await Expect(page.Locator("#received")).ToContainTextAsync("second-try");
        await chromium.ScreenshotAsync("allowed-client-received-code");

        // The code redeems with the PKCE verifier, for this person and the one resource asked for.
        var tokens = await client.RedeemForTokensAsync(code!);
        var accessToken = new JsonWebToken(tokens.AccessToken);
        Assert.Equal([resource], accessToken.Audiences);
        Assert.Equal(user.Id, accessToken.Subject);
        if (resource == Api(app))
        {
            using var me = await client.CallAsync("/api/v1/me", tokens.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        Assert.Equal(2, site.Arrivals);
        chromium.AssertNoContentSecurityPolicyReports();
    }

    /// <summary>Opens the client's start page and clicks its link, as a person who received it would.</summary>
    private static async Task FollowClientLinkAsync(IPage page, ClientSite site)
    {
        await page.GotoAsync(site.StartPage);
        await page.GetByRole(AriaRole.Link, new() { Name = "Connect to Engineering Framework" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Allow access?", Level = 1 })).ToBeVisibleAsync();
    }

    private static async Task ExpectConsentPageAsync(IPage page, string clientName, string redirectHost, string? publishedBy, string email)
    {
        var request = page.Locator("#consent-client");
        await Expect(request).ToContainTextAsync(clientName);
        await Expect(request).ToContainTextAsync("name not verified");
        await Expect(request).ToContainTextAsync(email);
        await Expect(page.GetByText(redirectHost, new() { Exact = true })).ToBeVisibleAsync();
        if (publishedBy is not null)
        {
            await Expect(page.GetByText("Published by", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByText(publishedBy, new() { Exact = true })).ToBeVisibleAsync();
        }
        else
        {
            await Expect(page.GetByText("Published by", new() { Exact = true })).ToHaveCountAsync(0);
        }
    }

    private static string Api(TestApp app) => app.App.Services.GetRequiredService<Audiences>().Api;

    private static string Mcp(TestApp app) => app.App.Services.GetRequiredService<Audiences>().Mcp;
}
