using System.Net;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class AntiforgeryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_in_form_posted_without_the_antiforgery_token_is_refused_and_signs_nobody_in()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, "csrf-target@example.test");

        // The browser has the page (and its antiforgery cookie); the post carries the right password but no token,
        // as a form on another site would.
        using (var page = await browser.GetAsync("/Account/SignIn"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "csrf-target@example.test",
            ["Input.Password"] = Accounts.Password,
            ["ReturnUrl"] = "/",
        });
        using var posted = await browser.Client.PostAsync(new Uri("/Account/SignIn", UriKind.Relative), content, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Empty(SessionCookies.SetBy(posted));
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith(SessionCookies.Name, StringComparison.Ordinal));
        using var protectedPage = await browser.GetAsync("/Manage/TwoFactor");
        Assert.Equal(HttpStatusCode.Redirect, protectedPage.StatusCode);
        Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), protectedPage.Headers.Location!).AbsolutePath);
    }
}
