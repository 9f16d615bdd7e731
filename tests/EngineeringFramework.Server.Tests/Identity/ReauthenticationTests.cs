using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Turning two-factor off and changing the email address need the current password, unless the session signed in within
/// the last five minutes (the server's clock, here a fake one). The sign-in time belongs to the session: neither the
/// re-issue on every request nor a sign-in refresh after a password change moves it.
/// </summary>
public sealed partial class ReauthenticationTests
{
    private const string Email = "reauth@example.test";
    private const string NewPassword = "a different long passphrase";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changing_the_email_needs_no_password_just_after_sign_in_and_the_right_password_five_minutes_later()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        using var browser = await SignedInAsync(app);

        // Just signed in: no password field, and the request goes through without one.
        var page = await ReadAsync(browser, "/Manage/ChangeEmail");
        Assert.Contains("your password is not asked again", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.CurrentPassword\"", page, StringComparison.Ordinal);
        using (var sent = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "soon@example.test" }))
        {
            Assert.Contains("We sent a confirmation link to soon@example.test", await sent.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        clock.Advance(EngineeringFramework.Server.Identity.Accounts.Reauthentication.RecentSignInWindow + TimeSpan.FromSeconds(1));
        Assert.Contains("name=\"Input.CurrentPassword\"", await ReadAsync(browser, "/Manage/ChangeEmail"), StringComparison.Ordinal);

        var mailBefore = (await Outbox.MessagesAsync(app)).Count;
        using (var without = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "later@example.test" }))
        {
            var html = await without.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("<p class=\"field-error\" id=\"Input_CurrentPassword-error\">", html, StringComparison.Ordinal);
            Assert.DoesNotContain("We sent a confirmation link", html, StringComparison.Ordinal);
        }

        using (var wrong = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "later@example.test", ["Input.CurrentPassword"] = "not the password at all" }))
        {
            var html = await wrong.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("The password is not correct.", html, StringComparison.Ordinal);
            Assert.DoesNotContain("We sent a confirmation link", html, StringComparison.Ordinal);
        }

        Assert.Equal(mailBefore, (await Outbox.MessagesAsync(app)).Count);

        using (var right = await browser.SubmitAsync("/Manage/ChangeEmail", new Dictionary<string, string> { ["Input.NewEmail"] = "later@example.test", ["Input.CurrentPassword"] = Accounts.Password }))
        {
            Assert.Contains("We sent a confirmation link to later@example.test", await right.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Contains((await Outbox.MessagesAsync(app)), m => m.Contains("To: later@example.test", StringComparison.Ordinal) && m.Contains("/Account/ConfirmEmailChange", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Turning_two_factor_off_asks_for_the_password_when_the_sign_in_is_old_even_though_a_password_change_renewed_the_session()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        using var browser = await SignedInAsync(app);
        var key = SharedKey().Match(await ReadAsync(browser, "/Manage/TwoFactor")).Groups[1].Value;
        using (var enabled = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, clock.GetUtcNow()) }, "/Manage/TwoFactor?handler=Enable"))
        {
            Assert.Contains("Keep these recovery codes", await enabled.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // Four minutes in, a password change signs this browser in again (RefreshSignInAsync): the session keeps its sign-in time.
        clock.Advance(TimeSpan.FromMinutes(4));
        using (var changed = await browser.SubmitAsync("/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Accounts.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        }))
        {
            Assert.Contains("Your password is changed.", await changed.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // Six minutes after signing in (two after the refresh), turning 2FA off needs the password again.
        clock.Advance(TimeSpan.FromMinutes(2));
        var page = await ReadAsync(browser, "/Manage/TwoFactor");
        Assert.Contains("name=\"CurrentPassword\"", page, StringComparison.Ordinal);

        using (var without = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string>(), "/Manage/TwoFactor?handler=Disable"))
        {
            Assert.Contains("The password is not correct.", await without.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        using (var wrong = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string> { ["CurrentPassword"] = Accounts.Password }, "/Manage/TwoFactor?handler=Disable"))
        {
            var html = await wrong.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("The password is not correct.", html, StringComparison.Ordinal);
            Assert.Contains("<p class=\"field-error\" id=\"CurrentPassword-error\">", html, StringComparison.Ordinal);
        }

        Assert.Contains("Two-factor authentication is on.", await ReadAsync(browser, "/Manage/TwoFactor"), StringComparison.Ordinal);

        using (var right = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string> { ["CurrentPassword"] = NewPassword }, "/Manage/TwoFactor?handler=Disable"))
        {
            Assert.Contains("Two-factor authentication is off.", await right.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Contains("Add this key to your authenticator app", await ReadAsync(browser, "/Manage/TwoFactor"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_two_factor_off_right_after_signing_in_needs_no_password()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        using var browser = await SignedInAsync(app);
        var key = SharedKey().Match(await ReadAsync(browser, "/Manage/TwoFactor")).Groups[1].Value;
        using (var enabled = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string> { ["Code"] = Totp.Code(key, clock.GetUtcNow()) }, "/Manage/TwoFactor?handler=Enable"))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(4));
        var page = await ReadAsync(browser, "/Manage/TwoFactor");
        Assert.DoesNotContain("name=\"CurrentPassword\"", page, StringComparison.Ordinal);
        using var off = await browser.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string>(), "/Manage/TwoFactor?handler=Disable");

        Assert.Contains("Two-factor authentication is off.", await off.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static Task<TestApp> StartAsync(FakeTimeProvider clock)
        => TestApp.StartAsync(listenOnPublicUrl: true, configure: b => b.Services.AddSingleton<TimeProvider>(clock));

    private static async Task<BrowserSession> SignedInAsync(TestApp app)
    {
        var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, Email);
        using var signedIn = await Accounts.SignInAsync(browser, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static async Task<string> ReadAsync(BrowserSession browser, string path)
    {
        using var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync(Cancel);
    }

    [GeneratedRegex("Add this key to your authenticator app: <code>([A-Z2-7]+)</code>")]
    private static partial Regex SharedKey();
}
