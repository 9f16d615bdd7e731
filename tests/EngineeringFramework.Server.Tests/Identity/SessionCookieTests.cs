using System.Net;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using SameSiteMode = Microsoft.Net.Http.Headers.SameSiteMode;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>The UI session cookie's attributes as the server sets them, and that signing out ends the session on the server too.</summary>
public sealed class SessionCookieTests
{
    private const string ProtectedPage = "/Manage/TwoFactor";

    [Fact]
    public async Task Development_session_cookie_is_http_only_and_lax_without_secure_over_http_and_sign_out_ends_it()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, "dev-cookie@example.test");

        using var signedIn = await Accounts.SignInAsync(browser, "dev-cookie@example.test", Accounts.Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = SessionCookies.SetBy(signedIn);
        Assert.NotEmpty(session);
        Assert.All(session, c =>
        {
            Assert.True(c.HttpOnly);
            Assert.Equal(SameSiteMode.Lax, c.SameSite);
            Assert.False(c.Secure);
        });

        // The cookie alone opens a protected page; after sign-out the very same cookie does not.
        using (var before = await SessionCookies.ReplayAsync(app.BaseAddress, ProtectedPage, session))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signedOut = await browser.SubmitAsync("/Account/SignOut", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        using var after = await SessionCookies.ReplayAsync(app.BaseAddress, ProtectedPage, session);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), after.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task Production_session_cookie_behind_the_tls_proxy_is_secure_http_only_and_lax_and_sign_out_ends_it()
    {
        await using var app = await TestApp.StartAsync("Production");
        using var browser = new ProxiedBrowserSession(app.BaseAddress);
        const string email = "prod-cookie@example.test";
        using (var signUp = await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["Input.ConfirmPassword"] = Accounts.Password,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        }

        using (var confirm = await browser.GetAsync(await Outbox.LinkToAsync(app, "/Account/ConfirmEmail")))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }

        using var signedIn = await browser.SubmitAsync("/Account/SignIn?returnUrl=%2F", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Accounts.Password,
            ["ReturnUrl"] = "/",
        });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = SessionCookies.SetBy(signedIn);
        Assert.NotEmpty(session);
        Assert.All(session, c =>
        {
            Assert.True(c.HttpOnly);
            Assert.Equal(SameSiteMode.Lax, c.SameSite);
            Assert.True(c.Secure);
        });

        using (var before = await SessionCookies.ReplayAsync(app.BaseAddress, ProtectedPage, session, behindTlsProxy: true))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signedOut = await browser.SubmitAsync("/Account/SignOut", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        using var after = await SessionCookies.ReplayAsync(app.BaseAddress, ProtectedPage, session, behindTlsProxy: true);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), after.Headers.Location!).AbsolutePath);
    }
}
