using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

public sealed class ItemPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Item_page_shows_definition_template_and_history_and_saves_the_edit_form()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "editor@example.test");
        using var _ = browser;
        var item = UiSteps.ItemIds(await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];
        var path = $"/orgs/{orgId}/projects/{projectId}/items/{item}";

        var before = await browser.GetAsync(path);
        using var saved = await browser.PostAsync(path, before.Form("edit-item"), new()
        {
            ["Edit.Status"] = "InProgress",
            ["Edit.Notes"] = "Draft **shared** with the board.",
            ["Edit.Evidence"] = "https://docs.example.test/charter\nhttps://docs.example.test/minutes",
            ["Edit.DueDate"] = "2027-01-15",
        });
        var after = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Contains("<h2 id=\"definition-heading\">Definition</h2>", before.Html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"markdown\"><", before.Html, StringComparison.Ordinal);
        Assert.Contains("Download markdown", before.Html, StringComparison.Ordinal);
        Assert.Contains("No changes yet.", before.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("<span class=\"status status-in-progress\">In progress</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("<strong>shared</strong>", after.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://docs.example.test/minutes\"", after.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"2027-01-15\"", after.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"change-field\">status</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("via web", after.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_item_shows_review_due_on_checklist_and_item_and_mark_reviewed_clears_it_for_editors_only()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "reviewer@example.test");
        using var _ = browser;
        var projectPath = $"/orgs/{orgId}/projects/{projectId}";
        var item = UiSteps.ItemIds(await browser.GetAsync(projectPath))[0];
        var path = $"{projectPath}/items/{item}";
        await Api.ChecklistsApiTests.MakeStaleAsync(app.App.Services, item);
        using var member = await UiSteps.JoinAsync(app, browser, orgId, "watcher@example.test");

        var checklist = await browser.GetAsync(projectPath);
        var before = await browser.GetAsync(path);
        var asMember = await member.GetAsync(path);
        var dashboardBefore = await member.GetAsync($"/orgs/{orgId}");
        using var reviewed = await browser.SubmitAsync(path, "mark-reviewed", []);
        var after = await browser.GetAsync(path);
        var dashboard = await browser.GetAsync($"/orgs/{orgId}");

        Assert.Contains(">Review due</span>", checklist.Html, StringComparison.Ordinal);
        Assert.Contains(">Review due</span>", before.Html, StringComparison.Ordinal);
        Assert.Contains("Mark reviewed</button>", before.Html, StringComparison.Ordinal);
        Assert.Contains(">Review due</span>", asMember.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Mark reviewed</button>", asMember.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, reviewed.StatusCode);
        Assert.DoesNotContain(">Review due</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-done\">Done</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"change-field\">reviewedAt</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("Due for review", dashboardBefore.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{path}\"", dashboardBefore.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Due for review", dashboard.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_a_stale_item_form_shows_the_conflict_message_and_keeps_the_other_change()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "racer@example.test");
        using var _ = browser;
        var item = UiSteps.ItemIds(await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];
        var path = $"/orgs/{orgId}/projects/{projectId}/items/{item}";
        var stale = (await browser.GetAsync(path)).Form("edit-item");
        using var first = await browser.PostAsync(path, stale, new() { ["Edit.Status"] = "Done" });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var second = await browser.PostAsync(path, stale, new() { ["Edit.Status"] = "InProgress", ["Edit.Notes"] = "Mine" });
        var conflict = await Page.ReadAsync(second);
        var after = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Contains("This item was changed by someone else; reload to see their change.", conflict.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-done\">Done</span>", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Mine", after.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_that_is_not_a_web_link_is_refused_next_to_its_field()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "linker@example.test");
        using var _ = browser;
        var item = UiSteps.ItemIds(await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];
        var path = $"/orgs/{orgId}/projects/{projectId}/items/{item}";

        using var response = await browser.SubmitAsync(path, "edit-item", new() { ["Edit.Status"] = "Done", ["Edit.Evidence"] = "javascript:alert(1)" });
        var page = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("id=\"edit-evidence-error\"", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", page.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-not-started\">Not started</span>", (await browser.GetAsync(path)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_downloads_as_a_markdown_attachment()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "writer@example.test");
        using var _ = browser;
        var item = UiSteps.ItemIds(await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];

        using var response = await browser.Session.GetAsync($"/orgs/{orgId}/projects/{projectId}/items/{item}/template.md");
        var markdown = await response.Content.ReadAsStringAsync(Cancel);
        var expected = await File.ReadAllTextAsync(Testing.Repository.InRepository("content", "default-framework", "templates", "project-charter.md"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("project-charter.md", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(expected.ReplaceLineEndings("\n").Trim(), markdown.ReplaceLineEndings("\n").Trim());
    }
}
