using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>The public /security page: readable signed out, one section per control, and the reporting contact.</summary>
public sealed class SecurityPageTests
{
    private static readonly string[] Sections = ["authentication", "authorization", "tenancy", "encryption", "github", "mcp", "transport", "report"];

    private static async Task<Page> GetSignedOutAsync(TestApp app, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await app.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return await Page.ReadAsync(response);
    }

    [Fact]
    public async Task The_page_renders_signed_out_with_every_section_and_the_contact()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["SECURITY_CONTACT"] = "security@example.test" });

        var page = await GetSignedOutAsync(app, "/security");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.All(Sections, id => Assert.Contains($"<h2 id=\"{id}\">", page.Html, StringComparison.Ordinal));
        Assert.Contains("href=\"mailto:security@example.test\" id=\"security-contact\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/.well-known/security.txt\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("locked for 15 minutes", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form method=\"post\" action=\"/Account/SignOut\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_contact_the_page_says_none_is_published()
    {
        await using var app = await TestApp.StartAsync();

        var page = await GetSignedOutAsync(app, "/security");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("id=\"no-security-contact\"", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("mailto:", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_product_page_links_to_it()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(app, "footer@example.test", "Acme");
        using var _ = browser;

        var dashboard = await browser.GetAsync($"/orgs/{orgId}");
        var signIn = await GetSignedOutAsync(app, "/Account/SignIn");

        Assert.Contains("<footer class=\"app-footer\">", dashboard.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/security\">Security</a>", dashboard.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/security\">Security</a>", signIn.Html, StringComparison.Ordinal);
    }
}
