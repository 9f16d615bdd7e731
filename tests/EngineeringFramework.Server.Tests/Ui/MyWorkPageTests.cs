using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// My work: the items assigned to me across projects, grouped by when they are due, with the overdue count in the header and
/// a status form per item; filters from the address, named next to their field when they are not ones the page offers.
/// </summary>
public sealed partial class MyWorkPageTests : IAsyncLifetime
{
    // Far from today, so a run that crosses midnight cannot move an item across a group's edge.
    private static readonly string LongAgo = DateTime.UtcNow.AddDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly string NextMonth = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;

    private string MyWorkPath => $"/orgs/{orgId}/my-work";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, "my-work-admin@example.test");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    /// <summary>Assigns the item to the member with that address, with a due date, through the item page's form.</summary>
    private async Task AssignAsync(Guid item, string due, string email = "my-work-admin@example.test")
    {
        var path = $"/orgs/{orgId}/projects/{projectId}/items/{item}";
        var page = await admin.GetAsync(path);
        var assignee = Regex.Match(page.Html, $"<option value=\"([0-9a-f-]{{36}})\"[^>]*>[^<]*\\({Regex.Escape(email)}\\)</option>").Groups[1].Value;
        Assert.NotEmpty(assignee);
        using var saved = await admin.PostAsync(path, page.Form("edit-item"), new() { ["Edit.Assignee"] = assignee, ["Edit.DueDate"] = due, ["Edit.Status"] = "InProgress" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
    }

    [Fact]
    public async Task My_items_are_grouped_the_header_counts_the_overdue_ones_and_a_status_saved_from_the_list_clears_it()
    {
        var items = UiSteps.ItemIds(await admin.GetAsync($"/orgs/{orgId}/projects/{projectId}"));
        await AssignAsync(items[0], LongAgo);
        await AssignAsync(items[1], NextMonth);

        var mine = await admin.GetAsync(MyWorkPath);

        Assert.Equal(HttpStatusCode.OK, mine.Status);
        Assert.Contains("<h2 id=\"group-Overdue\">Overdue", mine.Html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"group-Later\">Due later", mine.Html, StringComparison.Ordinal);
        Assert.True(mine.Html.IndexOf($"id=\"item-{items[0]}\"", StringComparison.Ordinal) < mine.Html.IndexOf($"id=\"item-{items[1]}\"", StringComparison.Ordinal));
        Assert.Equal("1", OverdueBadge().Match(mine.Html).Groups[1].Value);
        Assert.Equal("1", OverdueBadge().Match((await admin.GetAsync($"/orgs/{orgId}")).Html).Groups[1].Value);

        using var saved = await admin.SubmitAsync(MyWorkPath, $"status-{items[0]}", new() { ["Update.Status"] = "Done" });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await admin.GetAsync(MyWorkPath);
        Assert.DoesNotContain($"id=\"item-{items[0]}\"", after.Html, StringComparison.Ordinal);
        Assert.Contains($"id=\"item-{items[1]}\"", after.Html, StringComparison.Ordinal);
        Assert.DoesNotMatch(OverdueBadge(), after.Html);
        var done = await admin.GetAsync(MyWorkPath + "?status=Done");
        Assert.Contains("<h2 id=\"group-Earlier\">", done.Html, StringComparison.Ordinal);
        Assert.Contains($"id=\"item-{items[0]}\"", done.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?status=Bogus", "filter-status-error")]
    [InlineData("?status=1", "filter-status-error")]
    [InlineData("?project=not-a-project", "filter-project-error")]
    public async Task A_filter_the_page_does_not_offer_is_named_next_to_its_field(string query, string errorId)
    {
        var page = await admin.GetAsync(MyWorkPath + query);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains($"id=\"{errorId}\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_my_work_is_not_found_and_a_member_gets_no_form_for_items_they_may_not_change()
    {
        var items = UiSteps.ItemIds(await admin.GetAsync($"/orgs/{orgId}/projects/{projectId}"));
        await AssignAsync(items[0], LongAgo);
        var adminPage = await admin.GetAsync(MyWorkPath);
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "my-work-outsider@example.test", "Evil");
        using var _outsider = outsider;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "my-work-member@example.test");
        await AssignAsync(items[1], NextMonth, "my-work-member@example.test");

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(MyWorkPath)).Status);
        var theirs = await member.GetAsync(MyWorkPath);
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Contains($"id=\"item-{items[1]}\"", theirs.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"item-{items[0]}\"", theirs.Html, StringComparison.Ordinal);

        // A plain member may not change the checklist, so the item is listed without a status form.
        Assert.DoesNotContain($"status-{items[1]}", theirs.Html, StringComparison.Ordinal);

        // The admin's status form, posted with the member's own antiforgery token: no such form on the member's page.
        var before = await app.SnapshotAsync();
        var token = (await member.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
        var form = new Dictionary<string, string>(adminPage.Form($"status-{items[0]}")) { ["__RequestVerificationToken"] = token };
        using var posted = await member.PostAsync(MyWorkPath, form, new() { ["Update.Status"] = "Done" });

        Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, posted.StatusCode.ToString());
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [GeneratedRegex("<span class=\"badge-overdue\"[^>]*>(\\d+)<span class=\"visually-hidden\"> overdue</span>")]
    private static partial Regex OverdueBadge();
}
