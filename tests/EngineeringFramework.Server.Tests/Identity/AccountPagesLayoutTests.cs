using System.Net;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Every account page looks like the product: its stylesheet, skip link, header and main, a narrow card for the pages
/// before sign-in and the normal width for the account area, fields with their errors beside them, and the product
/// pointing at the account area.
/// </summary>
public sealed class AccountPagesLayoutTests
{
    private const string Email = "layout@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Anonymous_account_pages_use_the_product_layout_in_a_narrow_card()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = new BrowserSession(app.BaseAddress);
        string[] paths =
        [
            "/Account/SignIn",
            "/Account/SignUp",
            "/Account/ForgotPassword",
            "/Account/ResetPassword?email=a%40example.test&code=x",
            "/Account/SignInTwoFactor",
            "/Account/ConfirmEmail?userId=nobody&code=x",
            "/Account/ConfirmEmailChange?userId=nobody&email=b%40example.test&code=x",
            "/Account/AccountDeleted",
            "/Account/SignOut",
        ];

        foreach (var path in paths)
        {
            using var response = await browser.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            ProductLayout.AssertUsedBy(html, path);
            Assert.Contains("<main id=\"main\" tabindex=\"-1\" class=\"page page-narrow\">", html, StringComparison.Ordinal);
            Assert.Contains("<div class=\"account-card\">", html, StringComparison.Ordinal);

            // Nobody is signed in: no account link, no sign-out form.
            Assert.DoesNotContain("class=\"header-account\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Account_area_pages_use_the_product_layout_at_page_width_with_the_way_back_and_sign_out()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app);
        string[] paths = ["/Manage", "/Manage/ChangePassword", "/Manage/ChangeEmail", "/Manage/TwoFactor", "/Manage/SignOutEverywhere", "/Manage/DeleteAccount"];

        foreach (var path in paths)
        {
            using var response = await browser.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            ProductLayout.AssertUsedBy(html, path);
            ProductLayout.AssertSignedInHeader(html, path);
            Assert.Contains("<main id=\"main\" tabindex=\"-1\" class=\"page\">", html, StringComparison.Ordinal);
        }

        // The account page itself offers every change, and marks itself as the current header entry.
        using var index = await browser.GetAsync("/Manage");
        var account = await index.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("<h1>Your account</h1>", account, StringComparison.Ordinal);
        Assert.Contains(Email, account, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/Manage\" class=\"header-link\" aria-current=\"page\">Account</a>", account, StringComparison.Ordinal);
        foreach (var link in new[] { "/Manage/ChangeEmail", "/Manage/ChangePassword", "/Manage/TwoFactor", "/Manage/ConnectedApps", "/Manage/DeleteAccount" })
        {
            Assert.Contains($"href=\"{link}\"", account, StringComparison.Ordinal);
        }

        Assert.Contains("action=\"/Manage/SignOutEverywhere\"", account, StringComparison.Ordinal);
        Assert.Contains("disconnects every connected app", account, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_product_header_links_to_the_account_area()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        using var browser = await SignedInAsync(app);

        using var onboarding = await browser.GetAsync("/onboarding");
        var html = await onboarding.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, onboarding.StatusCode);
        Assert.Contains("<a href=\"/Manage\" class=\"header-link\">Account</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_field_shows_its_error_beside_it_and_the_input_points_at_it()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = new BrowserSession(app.BaseAddress);

        using var response = await browser.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
        {
            ["Input.Email"] = "not an address",
            ["Input.Password"] = "short",
            ["Input.ConfirmPassword"] = "different",
        });
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<div role=\"alert\" class=\"notice notice-error\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"Input_Email-error\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"Input_Password-error\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"Input_ConfirmPassword-error\"><span>The passwords do not match.</span></p>", html, StringComparison.Ordinal);
        Assert.Matches("<input[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"password-hint Input_Password-error\"|<input[^>]*aria-describedby=\"password-hint Input_Password-error\"[^>]*aria-invalid=\"true\"", html);
        Assert.Matches("<input[^>]*id=\"Input_Email\"[^>]*aria-invalid=\"true\"|<input[^>]*aria-invalid=\"true\"[^>]*id=\"Input_Email\"", html);
        Assert.DoesNotContain("data-val", html, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"new-password\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"Input_Email\">Email</label>", html, StringComparison.Ordinal);
    }

    private static async Task<BrowserSession> SignedInAsync(TestApp app)
    {
        var browser = new BrowserSession(app.BaseAddress);
        await Accounts.SignUpAndConfirmAsync(browser, app, Email);
        using var signedIn = await Accounts.SignInAsync(browser, Email, Accounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }
}
