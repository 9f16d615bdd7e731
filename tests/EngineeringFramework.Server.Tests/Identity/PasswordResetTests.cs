using System.Net;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class PasswordResetTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reset_request_answers_identically_for_existing_and_unknown_addresses_and_mails_only_the_existing()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var owner = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(owner, app, "grace@example.test");
        var mailBefore = (await Outbox.MessagesAsync(app)).Count;

        using var first = new BrowserSession(app.BaseAddress);
        using var second = new BrowserSession(app.BaseAddress);
        using var existing = await first.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "grace@example.test" });
        using var unknown = await second.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "nobody@example.test" });

        Assert.Equal(HttpStatusCode.OK, existing.StatusCode);
        Assert.Equal(existing.StatusCode, unknown.StatusCode);
        Assert.Equal(await existing.Content.ReadAsStringAsync(Cancel), await unknown.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(existing.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        Assert.Equal(existing.Headers.Contains("Set-Cookie"), unknown.Headers.Contains("Set-Cookie"));
        Assert.Equal(existing.Headers.Location, unknown.Headers.Location);

        var mail = await Outbox.MessagesAsync(app);
        Assert.Equal(mailBefore + 1, mail.Count);
        Assert.Contains("To: grace@example.test", mail[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(mail, m => m.Contains("nobody@example.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_link_changes_the_password_once_and_cannot_be_reused()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, "lin@example.test");
        using var requested = await browser.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "lin@example.test" });
        var link = await Outbox.LinkToAsync(app, "/Account/ResetPassword");

        using var reset = await browser.SubmitAsync(link, new Dictionary<string, string> { ["Password"] = "a brand new passphrase" }, postPath: "/Account/ResetPassword" + new Uri(app.BaseAddress, link).Query);
        using var reused = await browser.SubmitAsync(link, new Dictionary<string, string> { ["Password"] = "an attacker's passphrase" }, postPath: "/Account/ResetPassword" + new Uri(app.BaseAddress, link).Query);

        Assert.Contains("Your password has been changed", await reset.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("invalid, used or expired", await reused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var signIn = await Accounts.SignInAsync(new BrowserSession(app.BaseAddress), "lin@example.test", "a brand new passphrase");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}
