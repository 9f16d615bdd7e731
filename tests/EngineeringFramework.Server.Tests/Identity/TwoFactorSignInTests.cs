using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// TOTP as a person sets it up: turn it on from the manage page with a code from an authenticator app, keep the
/// recovery codes, then sign in with password + code (or password + a recovery code, each good once).
/// </summary>
public sealed partial class TwoFactorSignInTests
{
    private const string ManagePage = "/Manage/TwoFactor";
    private const string Email = "grace@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Totp_account_needs_a_code_after_the_password_and_each_recovery_code_works_once()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var clock = app.App.Services.GetRequiredService<TimeProvider>();
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, Email);
        using (var signedIn = await Accounts.SignInAsync(browser, Email, Accounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // Turn TOTP on: the key from the page, the current code from it, then the recovery codes (shown once).
        var sharedKey = SharedKey().Match(await ReadAsync(browser, ManagePage)).Groups[1].Value;
        Assert.NotEmpty(sharedKey);
        IReadOnlyList<string> recoveryCodes;
        using (var enabled = await browser.SubmitAsync(ManagePage, new Dictionary<string, string> { ["Code"] = Totp.Code(sharedKey, clock.GetUtcNow()) }, ManagePage + "?handler=Enable"))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
            recoveryCodes = [.. RecoveryCode().Matches(await enabled.Content.ReadAsStringAsync(Cancel)).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];
        }

        Assert.Equal(10, recoveryCodes.Count);
        Assert.Equal(10, recoveryCodes.Distinct(StringComparer.Ordinal).Count());

        // Turning it on keeps the session that turned it on.
        Assert.Contains("Two-factor authentication is on.", await ReadAsync(browser, ManagePage), StringComparison.Ordinal);
        await SignOutAsync(browser);

        // The password alone is only the first step: the browser is sent to the second one, and is not signed in.
        await PasswordStepAsync(browser);
        await AssertSignedOutAsync(browser);

        using (var wrong = await SecondStepAsync(browser, Totp.WrongCode(sharedKey, clock.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("The code is wrong or expired", await wrong.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await AssertSignedOutAsync(browser);

        using (var right = await SecondStepAsync(browser, Totp.Code(sharedKey, clock.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Equal("/", right.Headers.Location!.OriginalString);
        }

        await AssertSignedInAsync(browser);
        await SignOutAsync(browser);

        // A recovery code stands in for the authenticator once.
        await PasswordStepAsync(browser);
        using (var recovered = await SecondStepAsync(browser, recoveryCodes[0]))
        {
            Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        }

        await AssertSignedInAsync(browser);
        await SignOutAsync(browser);

        // ...and never again.
        await PasswordStepAsync(browser);
        using (var reused = await SecondStepAsync(browser, recoveryCodes[0]))
        {
            Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
            Assert.Contains("The code is wrong or expired", await reused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await AssertSignedOutAsync(browser);
    }

    private static async Task PasswordStepAsync(BrowserSession browser)
    {
        using var password = await Accounts.SignInAsync(browser, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/Account/SignInTwoFactor", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SecondStepAsync(BrowserSession browser, string code)
        => browser.SubmitAsync("/Account/SignInTwoFactor?returnUrl=%2F", new Dictionary<string, string> { ["Code"] = code, ["ReturnUrl"] = "/" });

    private static async Task SignOutAsync(BrowserSession browser)
    {
        using var signedOut = await browser.SubmitAsync("/Account/SignOut", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
    }

    private static async Task AssertSignedOutAsync(BrowserSession browser)
    {
        using var page = await browser.GetAsync(ManagePage);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), page.Headers.Location!).AbsolutePath);
    }

    private static async Task AssertSignedInAsync(BrowserSession browser)
    {
        using var page = await browser.GetAsync(ManagePage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<string> ReadAsync(BrowserSession browser, string path)
    {
        using var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync(Cancel);
    }

    [GeneratedRegex("Add this key to your authenticator app: <code>([A-Z2-7]+)</code>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<li><code>([^<]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
