using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Changing several items of a project at once from its page, as the REST API's batch does: items ticked beside the
/// checklist, one status for all, saved together or not at all; the form and the ticks offered only to those who may
/// change items, and the server refusing anyone else who posts it anyway.
/// </summary>
public sealed partial class BulkStatusPageTests : IAsyncLifetime
{
    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;

    private string ProjectPath => $"/orgs/{orgId}/projects/{projectId}";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, "bulk-admin@example.test");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Ticked_items_take_the_chosen_status_together_with_one_history_entry_each()
    {
        var page = await admin.GetAsync(ProjectPath);
        var ticks = Ticks(page);
        var chosen = ticks.Take(3).ToList();

        using var applied = await PostBulkAsync(admin, page, chosen.Select(t => t.Value), status: "NotApplicable", reason: "Covered by the platform team.");

        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.Equal($"{ProjectPath}?changed=3", Page.LocalPath(applied.Headers.Location));
        Assert.Contains("3 item(s) changed together.", (await admin.GetAsync(Page.LocalPath(applied.Headers.Location)!)).Html, StringComparison.Ordinal);
        var items = await ItemsAsync();
        foreach (var (id, _) in chosen)
        {
            Assert.Equal((ChecklistItemStatus.NotApplicable, "Covered by the platform team."), (items[id].Status, items[id].NotApplicableReason));
        }

        Assert.All(ticks.Skip(3), t => Assert.Equal(ChecklistItemStatus.NotStarted, items[t.Id].Status));
        Assert.Equal(3, await ActivityCountAsync());
    }

    [Fact]
    public async Task Not_applicable_without_a_reason_is_named_next_to_the_reason_and_nothing_is_saved()
    {
        var page = await admin.GetAsync(ProjectPath);
        var before = await app.SnapshotAsync();

        using var refused = await PostBulkAsync(admin, page, Ticks(page).Take(2).Select(t => t.Value), status: "NotApplicable", reason: " ");
        var answer = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("id=\"bulk-reason-error\"", answer.Html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"bulk-reason-error\"", answer.Html, StringComparison.Ordinal);
        // The ticks are kept, so the person fixes the reason and applies again.
        Assert.Equal(2, TickElement().Matches(answer.Html).Count(m => Regex.IsMatch(AttributeValue().Replace(m.Value, "\"\""), @"\schecked[\s=/>]")));
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task One_item_changed_by_someone_else_since_the_page_was_read_stops_the_whole_change()
    {
        var page = await admin.GetAsync(ProjectPath);
        var ticks = Ticks(page).Take(2).ToList();
        // Someone saves the second item after this page was read.
        using var other = await admin.SubmitAsync(ProjectPath, $"status-{ticks[1].Id}", new() { ["Update.Status"] = "InProgress" });
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        var before = await app.SnapshotAsync();

        using var refused = await PostBulkAsync(admin, page, ticks.Select(t => t.Value), status: "Done");
        var answer = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Contains("changed", answer.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(ChecklistItemStatus.NotStarted, (await ItemsAsync())[ticks[0].Id].Status);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("malformed")]
    [InlineData("foreign")]
    [InlineData("status")]
    public async Task A_change_without_a_tick_with_a_tick_of_no_item_here_or_without_a_status_is_named_and_nothing_is_saved(string flaw)
    {
        var page = await admin.GetAsync(ProjectPath);
        var ticks = Ticks(page);
        var before = await app.SnapshotAsync();
        var (values, status, field) = flaw switch
        {
            "none" => (Array.Empty<string>(), "Done", "bulk-items-error"),
            "malformed" => (new[] { ticks[0].Id.ToString() }, "Done", "bulk-items-error"),
            "foreign" => (new[] { $"{Guid.NewGuid()}:1" }, "Done", "bulk-items-error"),
            _ => (new[] { ticks[0].Value }, "Finished", "bulk-status-choice-error"),
        };

        using var refused = await PostBulkAsync(admin, page, values, status);
        var answer = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains($"id=\"{field}\"", answer.Html, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Someone_who_may_not_change_items_is_offered_neither_ticks_nor_form_and_posting_it_anyway_changes_nothing()
    {
        var adminPage = await admin.GetAsync(ProjectPath);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "bulk-member@example.test");
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "bulk-outsider@example.test", "Elsewhere");
        using var _outsider = outsider;

        var seen = await member.GetAsync(ProjectPath);
        Assert.Equal(HttpStatusCode.OK, seen.Status);
        Assert.DoesNotContain("bulk-status", seen.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("bulk-tick", seen.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"_handler\" value=\"status-", seen.Html, StringComparison.Ordinal);

        var before = await app.SnapshotAsync();
        foreach (var (who, browser) in new[] { ("member", member), ("outsider", outsider) })
        {
            var token = (await browser.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
            var hidden = new Dictionary<string, string>(adminPage.Form("bulk-status")) { ["__RequestVerificationToken"] = token };
            using var posted = await browser.PostFieldsAsync(ProjectPath, hidden, Fields(Ticks(adminPage).Take(2).Select(t => t.Value), "Done", null));
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{who}: {posted.StatusCode}");
        }

        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task An_archived_project_offers_no_ticks_and_no_form()
    {
        using var archived = await admin.SubmitAsync(ProjectPath, "edit-project", new() { ["Edit.Name"] = "Checkout revamp", ["Edit.Status"] = "Archived" });
        Assert.Equal(HttpStatusCode.Redirect, archived.StatusCode);

        var page = await admin.GetAsync(ProjectPath);

        Assert.DoesNotContain("bulk-status", page.Html, StringComparison.Ordinal);
        Assert.Empty(Ticks(page));
    }

    private Task<HttpResponseMessage> PostBulkAsync(UiBrowser browser, Page page, IEnumerable<string> ticks, string status, string? reason = null)
        => browser.PostFieldsAsync(ProjectPath, page.Form("bulk-status"), Fields(ticks, status, reason));

    private static List<KeyValuePair<string, string>> Fields(IEnumerable<string> ticks, string status, string? reason)
    {
        List<KeyValuePair<string, string>> fields = [.. ticks.Select(t => new KeyValuePair<string, string>("TickedItems", t)), new("Bulk.Status", status)];
        if (reason is not null)
        {
            fields.Add(new("Bulk.Reason", reason));
        }

        return fields;
    }

    /// <summary>Each tick on the page, in page order: the item's id and the value the box posts ("{id}:{version}").</summary>
    private static List<(Guid Id, string Value)> Ticks(Page page)
        => [.. TickValue().Matches(page.Html).Select(m => (Guid.Parse(m.Groups[1].Value), $"{m.Groups[1].Value}:{m.Groups[2].Value}"))];

    private async Task<Dictionary<Guid, ChecklistItem>> ItemsAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().AsNoTracking()
            .Where(i => i.ProjectId == projectId).ToDictionaryAsync(i => i.Id, Cancel);
    }

    private async Task<int> ActivityCountAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ActivityEntries.BypassTenantFilter()
            .CountAsync(a => a.ProjectId == projectId && a.ChecklistItemId != null, Cancel);
    }

    [GeneratedRegex("<input type=\"checkbox\" class=\"bulk-tick\"[^>]*>")]
    private static partial Regex TickElement();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex AttributeValue();

    [GeneratedRegex("class=\"bulk-tick\" form=\"bulk-status\" name=\"TickedItems\" value=\"([0-9a-f-]{36}):(\\d+)\"")]
    private static partial Regex TickValue();
}
