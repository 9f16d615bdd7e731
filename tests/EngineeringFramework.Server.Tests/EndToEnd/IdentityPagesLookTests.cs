using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// Every page of the sign-in authority, reached the way a person reaches it (mailed links from the outbox, a real
/// authorization request for the consent page), looks like the product: the browser loaded the product's stylesheet
/// (<c>/css/app.css</c> is among <c>document.styleSheets</c> with rules in it) and the page has the product header
/// (<c>header.app-header</c>). Each page is screenshotted whatever it looks like, and the test names every page that
/// does not pass, not just the first, so one run shows the whole picture.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed class IdentityPagesLookTests
{
    private const string Email = "looks@example.test";
    private const string ProductStylesheet = "/css/app.css";

    /// <summary>Upper bound for a mailed link to be written (mail may leave through a background queue).</summary>
    private static readonly TimeSpan MailDelivery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs in the page after its load event (which waits for its stylesheets): whether the product stylesheet is one
    /// of them with rules in it (a 404 or an empty file has none), and whether the product header is there.
    /// </summary>
    private const string LookScript = """
        stylesheet => [
          [...document.styleSheets].some(sheet => {
            try { return sheet.href !== null && new URL(sheet.href).pathname === stylesheet && sheet.cssRules.length > 0; }
            catch { return false; }
          }),
          document.querySelector('header.app-header') !== null,
        ]
        """;

    [Fact]
    public async Task Every_identity_page_loads_the_product_stylesheet_and_shows_the_product_header()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        await using var site = await ClientSite.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "identity-pages");
        var unstyled = new List<string>();
        await chromium.WalkAsync(() => WalkAsync(app, site, chromium, unstyled));

        chromium.AssertNoContentSecurityPolicyReports();
        Assert.True(unstyled.Count == 0, $"{unstyled.Count} identity page(s) do not look like the product:\n" + string.Join('\n', unstyled));
    }

    private static async Task WalkAsync(TestApp app, ClientSite site, HeadlessChromium chromium, List<string> unstyled)
    {
        var page = chromium.Page;
        SetDefaultExpectTimeout(30_000);
        var main = page.GetByRole(AriaRole.Main);
        Task LookAsync(string name) => CheckLookAsync(chromium, name, unstyled);

        // Sign up, and the answer that mail is on its way.
        await page.GotoAsync("/Account/SignUp");
        await Expect(Heading(page, "Create an account")).ToBeVisibleAsync();
        await LookAsync("sign-up");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("Password (at least 12 characters)", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByLabel("Repeat the password", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check your email");
        await LookAsync("sign-up-check-your-email");

        // The confirmation link from the mail.
        await page.GotoAsync(await MailedLinks.WaitForAsync(app.DataDirectory, Email, "/Account/ConfirmEmail", MailDelivery));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your address is confirmed");
        await LookAsync("confirm-email");

        // Forgot password, its answer, and the reset link from the mail (the page it opens; the password stays).
        await page.GotoAsync("/Account/ForgotPassword");
        await Expect(Heading(page, "Reset your password")).ToBeVisibleAsync();
        await LookAsync("forgot-password");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("reset link is on its way");
        await LookAsync("forgot-password-sent");
        await page.GotoAsync(await MailedLinks.WaitForAsync(app.DataDirectory, Email, "/Account/ResetPassword", MailDelivery));
        await Expect(Heading(page, "Choose a new password")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("New password (at least 12 characters)")).ToBeVisibleAsync();
        await LookAsync("reset-password");

        // Sign in.
        await page.GotoAsync("/Account/SignIn");
        await Expect(Heading(page, "Sign in")).ToBeVisibleAsync();
        await LookAsync("sign-in");
        await BrowserAccounts.SubmitSignInAsync(page, Email);
        await BrowserAccounts.LeftAsync(page, "/Account/SignIn");

        // Two-factor set-up with a code computed from the key the page shows, then the recovery codes.
        var clock = app.App.Services.GetRequiredService<TimeProvider>();
        await page.GotoAsync("/Manage/TwoFactor");
        await Expect(Heading(page, "Two-factor authentication")).ToBeVisibleAsync();
        await LookAsync("two-factor-setup");
        var sharedKey = (await page.GetByText("Add this key to your authenticator app").Locator("code").InnerTextAsync()).Trim();
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(sharedKey, clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Two-factor authentication is on");
        await LookAsync("two-factor-recovery-codes");

        // The consent page, for a client that asks for the MCP server; allowed, so Connected apps lists it.
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app, site.RedirectUri, name: "Look-test agent");
        await page.GotoAsync(client.AuthorizePath([audiences.Mcp]));
        await Expect(Heading(page, "Allow access?")).ToBeVisibleAsync();
        await LookAsync("consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();
        Assert.True((await site.NextArrivalAsync(MailDelivery)).Has("code"));

        await page.GotoAsync("/Manage/ConnectedApps");
        await Expect(Heading(page, "Connected apps")).ToBeVisibleAsync();
        await Expect(main.GetByText("Look-test agent")).ToBeVisibleAsync();
        await LookAsync("connected-apps");

        // RP-initiated logout without an id_token_hint: a confirmation page, whose button signs out.
        await page.GotoAsync("/connect/endsession");
        await Expect(Heading(page, "Sign out?")).ToBeVisibleAsync();
        await LookAsync("end-session");
        await main.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserAccounts.LeftAsync(page, "/connect/endsession");

        // Sign in again: the password, then the two-factor step.
        await page.GotoAsync("/Account/SignIn");
        await BrowserAccounts.SubmitSignInAsync(page, Email);
        await Expect(Heading(page, "Two-factor sign-in")).ToBeVisibleAsync();
        await LookAsync("sign-in-two-factor");
        await page.GetByLabel("Authenticator code or recovery code").FillAsync(Totp.Code(sharedKey, clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await BrowserAccounts.LeftAsync(page, "/Account/SignInTwoFactor");

        // The sign-out page, and signing out from it.
        await page.GotoAsync("/Account/SignOut");
        await Expect(Heading(page, "Sign out")).ToBeVisibleAsync();
        await LookAsync("sign-out");
        await main.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserAccounts.LeftAsync(page, "/Account/SignOut");
        await page.GotoAsync("/Manage/TwoFactor");
        await Expect(Heading(page, "Sign in")).ToBeVisibleAsync();
    }

    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });

    /// <summary>Screenshots the page as it is, then notes what it lacks (the walk goes on, so every page is seen).</summary>
    private static async Task CheckLookAsync(HeadlessChromium chromium, string name, List<string> unstyled)
    {
        var page = chromium.Page;
        await page.WaitForLoadStateAsync(LoadState.Load);
        await chromium.ScreenshotAsync(name);
        var look = await page.EvaluateAsync<bool[]>(LookScript, ProductStylesheet);
        string[] lacks = [.. new[] { look[0] ? null : $"{ProductStylesheet} is not a loaded stylesheet", look[1] ? null : "no product header (header.app-header)" }.OfType<string>()];
        if (lacks.Length > 0)
        {
            unstyled.Add($"{name} ({new Uri(page.Url).AbsolutePath}): {string.Join("; ", lacks)}");
        }
    }
}
