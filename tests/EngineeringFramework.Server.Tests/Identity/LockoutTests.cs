using System.Net;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class LockoutTests
{
    [Fact]
    public async Task Account_locks_after_the_configured_failures_and_refuses_the_right_password_while_locked()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Identity:MaxFailedAccessAttempts"] = "3" }, listenOnPublicUrl: true);
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, "mallory-target@example.test");

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var failed = await Accounts.SignInAsync(browser, "mallory-target@example.test", "wrong password " + attempt);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        using var locked = await Accounts.SignInAsync(browser, "mallory-target@example.test", Accounts.Password);

        // The form comes back (no redirect, no session cookie) although the password is right.
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "__ef_session");
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByEmailAsync("mallory-target@example.test"))!));
    }

    [Fact]
    public async Task Right_password_signs_in_before_any_lockout()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, "bob@example.test");

        using var signedIn = await Accounts.SignInAsync(browser, "bob@example.test", Accounts.Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(browser.Cookies.GetAllCookies(), c => c.Name == "__ef_session" && c.HttpOnly);
    }
}
