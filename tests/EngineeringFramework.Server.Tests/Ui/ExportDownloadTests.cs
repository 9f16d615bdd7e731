using System.Net;
using System.Text;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>The web app's export downloads, on the session cookie, linked from the project page and the dashboard.</summary>
public sealed class ExportDownloadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Project_page_and_dashboard_link_downloads_that_the_session_cookie_opens()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "exporter@example.test");
        using var _ = browser;

        var page = await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}");
        var dashboard = await browser.GetAsync($"/orgs/{orgId}");
        using var markdown = await browser.Session.GetAsync($"/orgs/{orgId}/projects/{projectId}/checklist.md");
        using var csv = await browser.Session.GetAsync($"/orgs/{orgId}/projects/{projectId}/checklist.csv");
        using var report = await browser.Session.GetAsync($"/orgs/{orgId}/report.csv");

        Assert.Contains($"href=\"/orgs/{orgId}/projects/{projectId}/checklist.md\" download>Download Markdown</a>", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/orgs/{orgId}/projects/{projectId}/checklist.csv\" download>Download CSV</a>", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/orgs/{orgId}/report.csv\" download>Download report (CSV)</a>", dashboard.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, markdown.StatusCode);
        Assert.Equal("text/markdown; charset=utf-8", markdown.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment; filename=\"checkout-revamp-checklist.md\"; filename*=UTF-8''Checkout%20revamp%20checklist.md", markdown.Content.Headers.ContentDisposition?.ToString());
        Assert.StartsWith("# Checklist: Checkout revamp\n", await markdown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment; filename=\"checkout-revamp-checklist.csv\"; filename*=UTF-8''Checkout%20revamp%20checklist.csv", csv.Content.Headers.ContentDisposition?.ToString());
        Assert.StartsWith("Category,Subcategory,Item slug,", await csv.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", report.Content.Headers.ContentType?.ToString());
        Assert.Contains(",Checkout revamp,Active,(all),", await report.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // A person's CSV opens in a spreadsheet: a UTF-8 byte order mark comes first (Excel guesses a legacy code page
        // without one); the Markdown file and the REST API's files have none.
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), (await csv.Content.ReadAsByteArrayAsync(Cancel))[..3]);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), (await report.Content.ReadAsByteArrayAsync(Cancel))[..3]);
        Assert.Equal((byte)'#', (await markdown.Content.ReadAsByteArrayAsync(Cancel))[0]);
    }

    [Fact]
    public async Task Another_organizations_project_report_and_archive_are_not_found()
    {
        await using var app = await TestApp.StartAsync();
        var (owner, orgId, projectId) = await UiSteps.ProjectAsync(app, "owner@example.test");
        var (stranger, strangerOrg) = await UiBrowser.WithOrganizationAsync(app, "stranger@example.test", "Stranger org");
        using var _ = owner;
        using var __ = stranger;

        using var theirs = await stranger.Session.GetAsync($"/orgs/{orgId}/projects/{projectId}/checklist.md");
        using var underOwn = await stranger.Session.GetAsync($"/orgs/{strangerOrg}/projects/{projectId}/checklist.csv");
        using var report = await stranger.Session.GetAsync($"/orgs/{orgId}/report.csv");
        using var archive = await stranger.Session.GetAsync($"/orgs/{orgId}/organization-archive.json");

        Assert.All([theirs, underOwn, report, archive], r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Null(r.Content.Headers.ContentDisposition);
        });
    }
}
