using System.Net;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Changing the password takes the current one; it keeps this browser signed in, ends every other browser session and
/// disconnects every connected app (their access tokens are refused from the next request).
/// </summary>
public sealed class ChangePasswordTests
{
    private const string Email = "changer@example.test";
    private const string NewPassword = "a different long passphrase";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_current_password_changes_nothing()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app);
        using var other = await SignedInAsync(app, signUp: false);
        var token = await GrantTokenAsync(app);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, token));

        using var refused = await browser.SubmitAsync("/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "not the password at all",
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
        var html = await refused.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"Input_CurrentPassword-error\"><span>The password is not correct.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Your password is changed", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Manage")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, token));
        using var fresh = new BrowserSession(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await Accounts.SignInAsync(fresh, Email, Accounts.Password)).StatusCode);
        Assert.DoesNotContain((await Outbox.MessagesAsync(app)), m => m.Contains("password was changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_password_keeps_this_browser_ends_other_sessions_and_refuses_connected_apps_tokens()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app);
        using var other = await SignedInAsync(app, signUp: false);
        var token = await GrantTokenAsync(app);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, token));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Manage")).StatusCode);

        using var changed = await browser.SubmitAsync("/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Accounts.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

        Assert.Contains("Your password is changed.", await changed.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Manage")).StatusCode);
        using (var ended = await other.GetAsync("/Manage"))
        {
            Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
            Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), ended.Headers.Location!).AbsolutePath);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, token));
        using var oldPassword = new BrowserSession(app.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await Accounts.SignInAsync(oldPassword, Email, Accounts.Password)).StatusCode);
        using var newPassword = new BrowserSession(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await Accounts.SignInAsync(newPassword, Email, NewPassword)).StatusCode);
        Assert.Contains((await Outbox.MessagesAsync(app)), m => m.Contains("To: " + Email, StringComparison.Ordinal) && m.Contains("password was changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_weak_or_mistyped_new_password_is_refused_beside_its_field()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app);

        using var mismatch = await browser.SubmitAsync("/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Accounts.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword + "!",
        });
        using var weak = await browser.SubmitAsync("/Manage/ChangePassword", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Accounts.Password,
            ["Input.NewPassword"] = "aaaaaaaaaaaaaa",
            ["Input.ConfirmPassword"] = "aaaaaaaaaaaaaa",
        });

        Assert.Contains("<p class=\"field-error\" id=\"Input_ConfirmPassword-error\"><span>The passwords do not match.</span></p>", await mismatch.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"Input_NewPassword-error\">", await weak.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var stillOld = new BrowserSession(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await Accounts.SignInAsync(stillOld, Email, Accounts.Password)).StatusCode);
    }

    private static async Task<BrowserSession> SignedInAsync(TestApp app, bool signUp = true)
    {
        var browser = new BrowserSession(app.BaseAddress);
        if (signUp)
        {
            await Accounts.SignUpAndConfirmAsync(browser, app, Email);
        }

        using var signedIn = await Accounts.SignInAsync(browser, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// <summary>A connected app's access token for the account (its authorization made with OpenIddict's manager).</summary>
    private static async Task<string> GrantTokenAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(Email);
        return await GrantTokens.IssueAsync(app, account!.Id, Email, app.App.Services.GetRequiredService<Audiences>().Api);
    }

    private static async Task<HttpStatusCode> MeAsync(TestApp app, string token)
    {
        using var client = app.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
