using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed partial class ProjectPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Department_and_project_made_through_the_forms_show_the_frameworks_categories()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(app, "lead@example.test", "Acme");
        using var _ = browser;

        var departmentId = await UiSteps.CreateDepartmentAsync(browser, orgId, "Payments");
        var projectId = await UiSteps.CreateProjectAsync(browser, orgId, departmentId, "Ledger rewrite", "2027-03-31");
        var department = await browser.GetAsync($"/orgs/{orgId}/departments/{departmentId}");
        var project = await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}");
        var dashboard = await browser.GetAsync($"/orgs/{orgId}");

        Assert.Contains("Ledger rewrite", department.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, project.Status);
        Assert.Contains("2027-03-31", project.Html, StringComparison.Ordinal);
        var categories = CategoryName().Matches(File.ReadAllText(Repository.InRepository("content", "default-framework", "framework.yml"))).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(categories);
        foreach (var category in categories)
        {
            Assert.Contains($"<span class=\"category-name\">{category}</span>", project.Html, StringComparison.Ordinal);
        }

        Assert.Equal(categories.Count, Regex.Count(project.Html, "<details class=\"category\""));
        Assert.Equal(0, project.Progress("Overall progress"));
        Assert.Contains("Ledger rewrite", dashboard.Html, StringComparison.Ordinal);
        Assert.Equal(0, dashboard.Progress("Ledger rewrite progress"));
    }

    [Fact]
    public async Task Marking_an_item_done_through_the_form_raises_the_progress_on_the_page()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "doer@example.test");
        using var _ = browser;
        var path = $"/orgs/{orgId}/projects/{projectId}";
        var before = await browser.GetAsync(path);
        var item = UiSteps.ItemIds(before)[0];

        using var saved = await browser.PostAsync(path, before.Form($"status-{item}"), new() { ["Update.Status"] = "Done", ["Update.Reason"] = string.Empty });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await browser.GetAsync(Page.LocalPath(saved.Headers.Location)!.Split('#')[0]);

        Assert.Equal(0, UiSteps.Completed(before).Complete);
        Assert.Equal(1, UiSteps.Completed(after).Complete);
        Assert.Equal(0, before.Progress("Initiative Foundation progress"));
        Assert.True(after.Progress("Initiative Foundation progress") > 0);
        Assert.Matches($"id=\"item-{item}\">\\s*<div class=\"item-head\">.*?<span class=\"status status-done\">Done</span>", after.Html.ReplaceLineEndings(" "));
        // The category that was just saved in is the one shown open.
        Assert.Contains("<details class=\"category\" id=\"category-foundation\" open", after.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_and_department_show_each_projects_progress_with_its_counts()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(app, "lists@example.test", "Acme");
        using var _ = browser;
        var departmentId = await UiSteps.CreateDepartmentAsync(browser, orgId, "Payments");
        var started = await UiSteps.CreateProjectAsync(browser, orgId, departmentId, "Ledger rewrite");
        await UiSteps.CreateProjectAsync(browser, orgId, departmentId, "Billing");
        var path = $"/orgs/{orgId}/projects/{started}";
        var project = await browser.GetAsync(path);
        var item = UiSteps.ItemIds(project)[0];
        using var saved = await browser.PostAsync(path, project.Form($"status-{item}"), new() { ["Update.Status"] = "Done", ["Update.Reason"] = string.Empty });
        var required = UiSteps.Completed(project).Required;

        var dashboard = await browser.GetAsync($"/orgs/{orgId}");
        var department = await browser.GetAsync($"/orgs/{orgId}/departments/{departmentId}");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        foreach (var list in new[] { dashboard, department })
        {
            Assert.Equal(100 / required, list.Progress("Ledger rewrite progress"));
            Assert.Equal(0, list.Progress("Billing progress"));
            Assert.Contains($"1 done, 0 not applicable, of {required} required", list.Html, StringComparison.Ordinal);
            Assert.Contains($"0 done, 0 not applicable, of {required} required", list.Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Not_applicable_without_a_reason_shows_the_field_error_and_changes_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "skipper@example.test");
        using var _ = browser;
        var path = $"/orgs/{orgId}/projects/{projectId}";
        var before = await browser.GetAsync(path);
        var item = UiSteps.ItemIds(before)[0];

        using var response = await browser.PostAsync(path, before.Form($"status-{item}"), new() { ["Update.Status"] = "NotApplicable", ["Update.Reason"] = "  " });
        var rejected = await Page.ReadAsync(response);
        var after = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains($"id=\"reason-{item}-error\"", rejected.Html, StringComparison.Ordinal);
        Assert.Contains("is required when the status is NotApplicable", rejected.Html, StringComparison.Ordinal);
        Assert.Contains($"aria-describedby=\"reason-{item}-error\"", rejected.Html, StringComparison.Ordinal);
        Assert.Equal(0, UiSteps.Completed(after).Complete);
        Assert.DoesNotContain("status-not-applicable", after.Html, StringComparison.Ordinal);
        // Still the version read at first: nothing was written.
        Assert.Equal(before.Form($"status-{item}")["Update.Version"], after.Form($"status-{item}")["Update.Version"]);
    }

    [Fact]
    public async Task Member_of_another_organization_gets_404_for_the_project_and_its_pages()
    {
        await using var app = await TestApp.StartAsync();
        var (owner, orgId, projectId) = await UiSteps.ProjectAsync(app, "owner@example.test");
        using var _ = owner;
        var item = UiSteps.ItemIds(await owner.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];
        var (stranger, strangerOrg) = await UiBrowser.WithOrganizationAsync(app, "stranger@example.test", "Elsewhere");
        using var __ = stranger;

        var project = await stranger.GetAsync($"/orgs/{orgId}/projects/{projectId}");
        var viaOwnOrg = await stranger.GetAsync($"/orgs/{strangerOrg}/projects/{projectId}");
        var itemPage = await stranger.GetAsync($"/orgs/{orgId}/projects/{projectId}/items/{item}");
        var members = await stranger.GetAsync($"/orgs/{orgId}/members");
        using var template = await stranger.Session.GetAsync($"/orgs/{orgId}/projects/{projectId}/items/{item}/template.md");
        // A post with the stranger's own valid antiforgery token, aimed at the owner's item form.
        var forged = new Dictionary<string, string>((await stranger.GetAsync("/onboarding")).Form("create-organization")) { ["_handler"] = $"status-{item}" };
        using var post = await stranger.PostAsync($"/orgs/{orgId}/projects/{projectId}", forged, new() { ["Update.Version"] = "1", ["Update.Status"] = "Done" });
        var owners = await owner.GetAsync($"/orgs/{orgId}/projects/{projectId}");

        Assert.Equal(HttpStatusCode.NotFound, project.Status);
        Assert.Equal(HttpStatusCode.NotFound, viaOwnOrg.Status);
        Assert.Equal(HttpStatusCode.NotFound, itemPage.Status);
        Assert.Equal(HttpStatusCode.NotFound, members.Status);
        Assert.Equal(HttpStatusCode.NotFound, template.StatusCode);
        // Refused before any change: the page never renders the owner's form for a stranger.
        Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, post.StatusCode.ToString());
        Assert.DoesNotContain("Checkout revamp", await post.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(0, UiSteps.Completed(owners).Complete);
        Assert.Contains("<h1>Not found</h1>", project.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout revamp", project.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout revamp", viaOwnOrg.Html, StringComparison.Ordinal);
    }

    [GeneratedRegex("^  - name: \"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex CategoryName();
}
