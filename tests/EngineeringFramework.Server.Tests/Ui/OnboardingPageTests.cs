using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed class OnboardingPageTests
{
    [Fact]
    public async Task Anonymous_browser_is_sent_to_sign_in()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = new Identity.Support.BrowserSession(app.BaseAddress);

        using var response = await browser.GetAsync("/onboarding");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn?returnUrl=", Page.LocalPath(response.Headers.Location), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_without_an_organization_is_sent_to_onboarding()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = await UiBrowser.SignUpAsync(app, "newcomer@example.test");

        var home = await browser.GetAsync("/");
        var somewhere = await browser.GetAsync($"/orgs/{Guid.NewGuid()}/departments");
        var onboarding = await browser.GetAsync("/onboarding");

        Assert.Equal(HttpStatusCode.Redirect, home.Status);
        Assert.Equal("/onboarding", home.Location);
        Assert.Equal(HttpStatusCode.Redirect, somewhere.Status);
        Assert.Equal("/onboarding", somewhere.Location);
        Assert.Equal(HttpStatusCode.OK, onboarding.Status);
        Assert.Contains("Create an organization", onboarding.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_organization_through_the_form_leads_to_its_dashboard()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = await UiBrowser.SignUpAsync(app, "founder@example.test");

        using var created = await browser.SubmitAsync("/onboarding", "create-organization", new() { ["Create.Name"] = "Acme Rockets" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var dashboardPath = Page.LocalPath(created.Headers.Location)!;
        Assert.Matches("^/orgs/[0-9a-f-]{36}$", dashboardPath);

        var home = await browser.GetAsync("/");
        var dashboard = await browser.GetAsync(dashboardPath);

        Assert.Equal(dashboardPath, home.Location);
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Contains("<span class=\"org-name\">Acme Rockets</span>", dashboard.Html, StringComparison.Ordinal);
        Assert.Contains("action=\"/Account/SignOut\"", dashboard.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blank_organization_name_shows_the_field_error_and_creates_nothing()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = await UiBrowser.SignUpAsync(app, "blank@example.test");

        using var response = await browser.SubmitAsync("/onboarding", "create-organization", new() { ["Create.Name"] = "   " });
        var page = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("id=\"org-name-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", page.Html, StringComparison.Ordinal);
        Assert.Equal("/onboarding", (await browser.GetAsync("/")).Location);
    }

    [Fact]
    public async Task Sign_out_form_in_the_header_ends_the_session()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(app, "leaver@example.test", "Acme");
        using var _ = browser;
        var dashboard = await browser.GetAsync($"/orgs/{orgId}");

        using var signedOut = await browser.PostAsync("/Account/SignOut", dashboard.FormPostingTo("/Account/SignOut"), []);
        var after = await browser.GetAsync($"/orgs/{orgId}");

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.Status);
        Assert.StartsWith("/Account/SignIn?returnUrl=", after.Location, StringComparison.Ordinal);
    }
}
