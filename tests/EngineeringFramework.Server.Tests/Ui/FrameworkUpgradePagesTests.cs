using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Framework versions, their differences and a project's upgrade through the pages: the versions list and comparison,
/// the project page's notice and badges, the upgrade page (preview, apply, refused for those who may not, 409 when the
/// version moved on), a department's upgrade of all its projects and the organization's upgrade policy. A super-admin's
/// edit of the system framework (as the importer stores it) makes the newer version: one item dropped, one definition
/// rewritten, one item added.
/// </summary>
public sealed partial class FrameworkUpgradePagesTests : IAsyncLifetime
{
    private const string RewrittenLine = SystemFrameworkEdit.RewrittenLine;
    private const string NewItemName = "Brand new readiness check";

    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;
    private Guid departmentId;

    private string ProjectPath => $"/orgs/{orgId}/projects/{projectId}";

    private string UpgradePath => $"{ProjectPath}/upgrade";

    private string VersionsPath => $"/orgs/{orgId}/framework/versions";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "upgrade-admin@example.test", "Acme");
        departmentId = await UiSteps.CreateDepartmentAsync(admin, orgId, "Platform");
        projectId = await UiSteps.CreateProjectAsync(admin, orgId, departmentId, "Checkout revamp");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task The_versions_page_marks_the_current_version_and_the_comparison_shows_added_removed_and_changed_items()
    {
        var (removed, rewritten) = await TwoItemsAsync();
        var edited = await EditSystemFrameworkAsync(without: removed.ItemSlug, rewrite: rewritten.ItemSlug, add: "brand-new-check");

        var versions = await admin.GetAsync(VersionsPath);
        Assert.Equal(HttpStatusCode.OK, versions.Status);
        var rows = VersionRow().Matches(versions.Html).Select(m => m.Value).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains($"id=\"version-{edited}\"", rows[0], StringComparison.Ordinal);
        Assert.Contains("Current", rows[0], StringComparison.Ordinal);
        Assert.Contains("Edited by a super-admin", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Current", rows[1], StringComparison.Ordinal);
        Assert.Contains("Built-in", rows[1], StringComparison.Ordinal);
        var builtin = Guid.Parse(VersionId().Match(rows[1]).Groups[1].Value);
        // The comparison form defaults to the previous and the newest version.
        Assert.Matches($"<option value=\"{builtin}\" selected", SelectOf(versions.Html, "compare-from"));
        Assert.Matches($"<option value=\"{edited}\" selected", SelectOf(versions.Html, "compare-to"));

        var chosen = await admin.GetAsync($"{VersionsPath}?from={builtin}&to={edited}");
        Assert.Equal(HttpStatusCode.Redirect, chosen.Status);
        Assert.Equal($"{VersionsPath}/{builtin}/diff/{edited}", chosen.Location);

        var diff = await admin.GetAsync(chosen.Location!);
        Assert.Equal(HttpStatusCode.OK, diff.Status);
        Assert.Contains("+1 item, \u22121, 1 changed", WebUtility.HtmlDecode(diff.Html), StringComparison.Ordinal);
        Assert.Contains("Added items (1)", diff.Html, StringComparison.Ordinal);
        Assert.Contains(NewItemName, diff.Html, StringComparison.Ordinal);
        Assert.Contains("Removed items (1)", diff.Html, StringComparison.Ordinal);
        Assert.Contains(removed.Name, WebUtility.HtmlDecode(diff.Html), StringComparison.Ordinal);
        Assert.Contains("Changed items (1)", diff.Html, StringComparison.Ordinal);
        Assert.Contains("Definition changed:", diff.Html, StringComparison.Ordinal);
        // The added line is marked by a sign and a word, not by colour alone; unchanged lines are there, dimmed.
        Assert.Contains($"<span class=\"visually-hidden\">Added line: </span><ins>{RewrittenLine}</ins>", diff.Html, StringComparison.Ordinal);
        Assert.Contains("diff-line diff-unchanged", diff.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_or_foreign_versions_are_not_found_and_a_comparison_of_no_listed_version_is_named()
    {
        var edited = await EditSystemFrameworkAsync(without: null, rewrite: null, add: "brand-new-check");
        var (outsider, otherOrg) = await UiBrowser.WithOrganizationAsync(app, "upgrade-outsider@example.test", "Elsewhere");
        using var _ = outsider;

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{VersionsPath}/{Guid.NewGuid()}/diff/{edited}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"{VersionsPath}/{edited}/diff/{edited}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(VersionsPath)).Status);
        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync($"/orgs/{otherOrg}/framework/versions")).Status);

        var bad = await admin.GetAsync($"{VersionsPath}?from=nonsense&to={edited}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("id=\"compare-from-error\"", bad.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_project_page_offers_the_upgrade_once_a_newer_version_exists_and_not_before()
    {
        var before = await admin.GetAsync(ProjectPath);
        Assert.DoesNotContain("A newer framework version is available", before.Html, StringComparison.Ordinal);

        var (removed, rewritten) = await TwoItemsAsync();
        await EditSystemFrameworkAsync(without: removed.ItemSlug, rewrite: rewritten.ItemSlug, add: "brand-new-check");

        var after = await admin.GetAsync(ProjectPath);
        Assert.Contains("A newer framework version is available: +1, \u22121, ~1", WebUtility.HtmlDecode(after.Html), StringComparison.Ordinal);
        Assert.Contains($"href=\"{UpgradePath}\">Review the upgrade</a>", after.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{VersionsPath}\"", after.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_previews_and_applies_the_upgrade_keeping_work_retiring_read_only_and_flagging_changed_items()
    {
        var (removed, rewritten) = await TwoItemsAsync();
        await SetStatusAsync(rewritten.Id, "Done");
        var edited = await EditSystemFrameworkAsync(without: removed.ItemSlug, rewrite: rewritten.ItemSlug, add: "brand-new-check");

        var preview = await admin.GetAsync(UpgradePath);
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("From System version 1 to System version 2.", preview.Html, StringComparison.Ordinal);
        Assert.Contains("Statuses, notes, evidence, assignees and due dates are kept, except where the table says Reset.", preview.Html, StringComparison.Ordinal);
        var table = WebUtility.HtmlDecode(preview.Html);
        Assert.Matches(PlanRow(rewritten.Name, "Flagged for review"), table);
        Assert.Matches(PlanRow(removed.Name, "Retired"), table);
        Assert.Matches(PlanRow(NewItemName, "Added"), table);
        Assert.Equal(edited.ToString(), preview.Form("apply-upgrade")["Apply.ToVersionId"]);

        using var applied = await admin.PostAsync(UpgradePath, preview.Form("apply-upgrade"), []);
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.Equal($"{ProjectPath}?upgraded=2", Page.LocalPath(applied.Headers.Location));

        var project = await admin.GetAsync($"{ProjectPath}?upgraded=2");
        Assert.Contains("The checklist was upgraded to framework version 2.", project.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("A newer framework version is available", project.Html, StringComparison.Ordinal);
        Assert.Contains(NewItemName, project.Html, StringComparison.Ordinal);
        var retiredItem = ItemElement(project.Html, removed.Id);
        Assert.Contains(">Retired</span>", retiredItem, StringComparison.Ordinal);
        Assert.DoesNotContain("status-form", retiredItem, StringComparison.Ordinal);
        Assert.DoesNotContain("bulk-tick", retiredItem, StringComparison.Ordinal);
        var flaggedItem = ItemElement(project.Html, rewritten.Id);
        Assert.Contains(">Definition changed since done</span>", flaggedItem, StringComparison.Ordinal);
        Assert.Contains("status-form", flaggedItem, StringComparison.Ordinal);

        var retiredPage = await admin.GetAsync($"{ProjectPath}/items/{removed.Id}");
        Assert.Contains("retired by a framework upgrade", retiredPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"edit-item\"", retiredPage.Html, StringComparison.Ordinal);
        Assert.Contains(">Definition changed since done</span>", (await admin.GetAsync($"{ProjectPath}/items/{rewritten.Id}")).Html, StringComparison.Ordinal);

        var items = await ItemsAsync();
        Assert.Equal(ChecklistItemStatus.Done, items[rewritten.Id].Status);
        Assert.NotNull(items[rewritten.Id].DefinitionChangedAt);
        Assert.NotNull(items[removed.Id].RetiredAt);
        Assert.Equal(edited, await ProjectVersionAsync(projectId));
        Assert.Contains("This project is at the current framework version", (await admin.GetAsync(UpgradePath)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_who_may_not_update_the_project_sees_no_apply_form_and_their_post_changes_nothing()
    {
        var (removed, rewritten) = await TwoItemsAsync();
        await EditSystemFrameworkAsync(without: removed.ItemSlug, rewrite: rewritten.ItemSlug, add: "brand-new-check");
        var adminPreview = await admin.GetAsync(UpgradePath);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "upgrade-member@example.test");
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "upgrade-outsider@example.test", "Elsewhere");
        using var _outsider = outsider;

        var seen = await member.GetAsync(UpgradePath);
        Assert.Equal(HttpStatusCode.OK, seen.Status);
        Assert.Contains("Retired", seen.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("apply-upgrade", seen.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(UpgradePath)).Status);

        var before = await UpgradeStateAsync();
        foreach (var (who, browser) in new[] { ("member", member), ("outsider", outsider) })
        {
            using var posted = await PostWithOwnTokenAsync(browser, UpgradePath, adminPreview.Form("apply-upgrade"));
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{who}: {posted.StatusCode}");
        }

        Assert.Equal(before, await UpgradeStateAsync());
    }

    [Fact]
    public async Task Applying_a_preview_after_a_newer_version_arrived_answers_409_with_the_message_and_changes_nothing()
    {
        var (removed, rewritten) = await TwoItemsAsync();
        await EditSystemFrameworkAsync(without: removed.ItemSlug, rewrite: rewritten.ItemSlug, add: "brand-new-check");
        var stale = await admin.GetAsync(UpgradePath);
        await EditSystemFrameworkAsync(without: null, rewrite: null, add: "another-new-check");
        var before = await UpgradeStateAsync();

        using var refused = await admin.PostAsync(UpgradePath, stale.Form("apply-upgrade"), []);
        var answer = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Contains("preview the upgrade again", answer.Html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", answer.Html, StringComparison.Ordinal);
        Assert.Equal(before, await UpgradeStateAsync());
    }

    [Fact]
    public async Task An_admin_upgrades_every_project_of_a_department_and_a_member_is_offered_nothing_and_changes_nothing()
    {
        var second = await UiSteps.CreateProjectAsync(admin, orgId, departmentId, "Search revamp");
        var departmentPath = $"/orgs/{orgId}/departments/{departmentId}";
        Assert.DoesNotContain("upgrade-department", (await admin.GetAsync(departmentPath)).Html, StringComparison.Ordinal);
        var edited = await EditSystemFrameworkAsync(without: null, rewrite: null, add: "brand-new-check");
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "upgrade-dept-member@example.test");

        var offered = await admin.GetAsync(departmentPath);
        Assert.Contains("Upgrade all projects to framework version 2</button>", offered.Html, StringComparison.Ordinal);
        var memberPage = await member.GetAsync(departmentPath);
        Assert.Equal(HttpStatusCode.OK, memberPage.Status);
        Assert.DoesNotContain("upgrade-department", memberPage.Html, StringComparison.Ordinal);

        var before = await UpgradeStateAsync();
        using (var posted = await PostWithOwnTokenAsync(member, departmentPath, offered.Form("upgrade-department")))
        {
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"member: {posted.StatusCode}");
        }

        Assert.Equal(before, await UpgradeStateAsync());

        using var upgraded = await admin.PostAsync(departmentPath, offered.Form("upgrade-department"), []);
        var result = await Page.ReadAsync(upgraded);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Contains("2 project(s) upgraded; 0 already at the version; 0 skipped.", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("upgrade-department", result.Html, StringComparison.Ordinal);
        Assert.Equal((edited, edited), (await ProjectVersionAsync(projectId), await ProjectVersionAsync(second)));
    }

    [Fact]
    public async Task An_admin_sets_the_upgrade_policy_on_settings_and_a_member_cannot()
    {
        var settingsPath = $"/orgs/{orgId}/settings";
        var page = await admin.GetAsync(settingsPath);
        Assert.Matches("<input type=\"checkbox\" id=\"reset-changed-items\" name=\"Policy.ResetChangedItems\" value=\"true\"\\s*/?>", page.Html);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "policy-member@example.test");

        var memberPage = await member.GetAsync(settingsPath);
        Assert.DoesNotContain("upgrade-policy", memberPage.Html, StringComparison.Ordinal);
        using (var posted = await PostWithOwnTokenAsync(member, settingsPath, page.Form("upgrade-policy"), new KeyValuePair<string, string>("Policy.ResetChangedItems", "true")))
        {
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"member: {posted.StatusCode}");
        }

        Assert.False(await ResetsChangedItemsAsync());

        using var saved = await admin.PostAsync(settingsPath, page.Form("upgrade-policy"), new() { ["Policy.ResetChangedItems"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"{settingsPath}?saved=upgrade-policy", Page.LocalPath(saved.Headers.Location));
        Assert.True(await ResetsChangedItemsAsync());
        var after = await admin.GetAsync($"{settingsPath}?saved=upgrade-policy");
        Assert.Contains("The upgrade policy was saved.", after.Html, StringComparison.Ordinal);
        Assert.Matches("name=\"Policy.ResetChangedItems\" value=\"true\" checked[\\s=/>]", after.Html);

        // Unticked, the box sends nothing: back to keeping and flagging.
        using var cleared = await admin.PostAsync(settingsPath, after.Form("upgrade-policy"), []);
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        Assert.False(await ResetsChangedItemsAsync());
    }

    /// <summary>Posts another person's form with this browser's own antiforgery token, as someone crafting the request would.</summary>
    private static async Task<HttpResponseMessage> PostWithOwnTokenAsync(UiBrowser browser, string path, IReadOnlyDictionary<string, string> form, params KeyValuePair<string, string>[] fields)
    {
        var token = (await browser.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
        var hidden = new Dictionary<string, string>(form) { ["__RequestVerificationToken"] = token };
        return await browser.PostFieldsAsync(path, hidden, fields);
    }

    private async Task SetStatusAsync(Guid itemId, string status)
    {
        using var saved = await admin.SubmitAsync(ProjectPath, $"status-{itemId}", new() { ["Update.Status"] = status });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
    }

    /// <summary>The project's first item (to be dropped by the edit) and its second (to have its definition rewritten).</summary>
    private async Task<(ChecklistItem Removed, ChecklistItem Rewritten)> TwoItemsAsync()
    {
        var ids = UiSteps.ItemIds(await admin.GetAsync(ProjectPath));
        var items = await ItemsAsync();
        return (items[ids[0]], items[ids[1]]);
    }

    private async Task<Dictionary<Guid, ChecklistItem>> ItemsAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().AsNoTracking()
            .Where(i => i.ProjectId == projectId).ToDictionaryAsync(i => i.Id, Cancel);
    }

    private async Task<Guid?> ProjectVersionAsync(Guid project)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Projects.BypassTenantFilter().AsNoTracking()
            .Where(p => p.Id == project).Select(p => p.FrameworkVersionId).SingleAsync(Cancel);
    }

    private async Task<bool> ResetsChangedItemsAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter().AsNoTracking()
            .Where(o => o.Id == orgId).Select(o => o.ResetChangedItemsOnUpgrade).SingleAsync(Cancel);
    }

    /// <summary>What an upgrade writes, across every project: each project's version, each item's state, the activity count.</summary>
    private async Task<string> UpgradeStateAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var projects = await db.Projects.BypassTenantFilter().AsNoTracking().Select(p => p.Id + "@" + p.FrameworkVersionId).ToListAsync(Cancel);
        var items = await db.ChecklistItems.BypassTenantFilter().AsNoTracking()
            .Select(i => new { i.Id, i.Version, i.Status, i.RetiredAt, i.DefinitionChangedAt, i.Name }).ToListAsync(Cancel);
        var activity = await db.ActivityEntries.BypassTenantFilter().CountAsync(Cancel);
        return string.Join(";", projects.Order(StringComparer.Ordinal)) + "|"
            + string.Join(";", items.Select(i => $"{i.Id}:{i.Version}:{i.Status}:{i.RetiredAt is null}:{i.DefinitionChangedAt is null}:{i.Name}").Order(StringComparer.Ordinal)) + "|" + activity;
    }

    private Task<Guid> EditSystemFrameworkAsync(string? without, string? rewrite, string add)
        => SystemFrameworkEdit.ImportAsync(app, without, rewrite, add, add == "brand-new-check" ? NewItemName : "Another new check");

    /// <summary>The checklist item's element on the project page.</summary>
    private static string ItemElement(string html, Guid itemId)
    {
        var match = Regex.Match(html, $"<li class=\"item\" id=\"item-{itemId}\">.*?</li>\\s*(?=<li class=\"item\"|</ul>)", RegexOptions.Singleline);
        Assert.True(match.Success, $"No item {itemId} on the page.");
        return match.Value;
    }

    private static string SelectOf(string html, string id)
        => Regex.Match(html, $"<select id=\"{id}\".*?</select>", RegexOptions.Singleline).Value;

    /// <summary>The upgrade table's row for an item, with what happens to it.</summary>
    private static string PlanRow(string name, string outcome)
        => $"<th scope=\"row\">\\s*<(?:a [^>]*|span)>{Regex.Escape(name)}</(?:a|span)>\\s*</th>\\s*<td>\\s*<span class=\"outcome\">{Regex.Escape(outcome)}</span>";

    [GeneratedRegex("<tr id=\"version-[0-9a-f-]{36}\".*?</tr>", RegexOptions.Singleline)]
    private static partial Regex VersionRow();

    [GeneratedRegex("id=\"version-([0-9a-f-]{36})\"")]
    private static partial Regex VersionId();
}
