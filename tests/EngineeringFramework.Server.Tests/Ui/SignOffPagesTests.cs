using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Ui;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Agents' sign-off through the pages: an agent's Done (the admin's own agent, through the checklist use case as the MCP
/// tool calls it) waits with a badge on the item and a request in the project's queue; a person who could set Done confirms
/// it or sends it back with a comment, on the project page or the item page; a plain member sees the request but no form;
/// another organization finds nothing; My work lists what the person may decide; Settings holds the policy.
/// </summary>
public sealed partial class SignOffPagesTests : IAsyncLifetime
{
    private const string AdminEmail = "signoff-admin@example.test";
    private const string Rationale = "Charter **signed** by the sponsor.\n\n<script>alert(1)</script>";

    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;
    private Guid itemId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string ProjectPath => $"/orgs/{orgId}/projects/{projectId}";

    private string ItemPath => $"{ProjectPath}/items/{itemId}";

    private string SettingsPath => $"/orgs/{orgId}/settings";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, AdminEmail);
        itemId = UiSteps.ItemIds(await admin.GetAsync(ProjectPath))[0];
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_agents_done_waits_with_a_badge_and_a_request_and_an_admin_confirms_it_on_the_project_page()
    {
        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, Rationale);
        var request = await SingleRequestAsync();

        var page = await admin.GetAsync(ProjectPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var item = ItemElement(page.Html, itemId);
        Assert.Contains(">Not started</span>", item, StringComparison.Ordinal);
        Assert.Contains(">Awaiting confirmation: Done</span>", item, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"awaiting-confirmation-heading\">Awaiting confirmation</h2>", page.Html, StringComparison.Ordinal);
        var card = Card(page.Html, request.Id);
        Assert.Contains($"href=\"{ItemPath}\">", card, StringComparison.Ordinal);
        Assert.Contains($"claude-code acting for {AdminEmail} asked for Done", card, StringComparison.Ordinal);
        // The rationale is the use case's sanitized HTML: the emphasis kept, the script dropped.
        Assert.Contains("<strong>signed</strong>", card, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", card, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"value=\"{SignOffForm.ConfirmName(request.Id)}\"", card, StringComparison.Ordinal);
        Assert.Contains($"value=\"{SignOffForm.SendBackName(request.Id)}\"", card, StringComparison.Ordinal);
        PageSafetyTests.AssertSafe(ProjectPath, page);

        using var confirmed = await admin.PostAsync(ProjectPath, page.Form(SignOffForm.ConfirmName(request.Id)), []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal($"{ProjectPath}?decided=confirmed#awaiting-confirmation", Page.LocalPath(confirmed.Headers.Location));

        var (status, awaiting) = await ItemStateAsync();
        Assert.Equal((ChecklistItemStatus.Done, (ChecklistItemStatus?)null), (status, awaiting));
        var decided = await SingleRequestAsync();
        Assert.Equal(SignOffState.Confirmed, decided.State);
        Assert.Null(decided.Comment);
        var after = await admin.GetAsync($"{ProjectPath}?decided=confirmed");
        Assert.Contains("The agent&#x27;s request was confirmed", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("awaiting-confirmation-heading", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Awaiting confirmation: Done", after.Html, StringComparison.Ordinal);

        // The item's history tells both steps in words, the agent named.
        var history = WebUtility.HtmlDecode((await admin.GetAsync(ItemPath)).Html);
        Assert.Contains("<p class=\"history-action\">asked for confirmation of Done</p>", history, StringComparison.Ordinal);
        Assert.Contains("<p class=\"history-action\">confirmed Done requested by claude-code</p>", history, StringComparison.Ordinal);
        Assert.Contains($"{AdminEmail} via MCP (claude-code)", history, StringComparison.Ordinal);
        var activity = WebUtility.HtmlDecode((await admin.GetAsync($"{ProjectPath}/activity")).Html);
        Assert.Contains("confirmed Done requested by claude-code", activity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_back_on_the_item_page_needs_a_comment_and_then_keeps_the_status()
    {
        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, Rationale);
        var request = await SingleRequestAsync();
        var page = await admin.GetAsync(ItemPath);
        Assert.Contains(">Awaiting confirmation: Done</span>", page.Html, StringComparison.Ordinal);
        Assert.Contains("Done requested", Card(page.Html, request.Id), StringComparison.Ordinal);
        var before = await StateAsync();

        using var refused = await admin.PostAsync(ItemPath, page.Form(SignOffForm.SendBackName(request.Id)), new() { ["Decision.Comment"] = "  " });
        var answer = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        var errorId = $"{SignOffForm.SendBackName(request.Id)}-comment-error";
        Assert.Contains($"<p class=\"field-error\" id=\"{errorId}\"><span>&#x27;Comment&#x27; is required to send a request back", answer.Html, StringComparison.Ordinal);
        Assert.Matches($"aria-invalid=\"true\"\\s+aria-describedby=\"{errorId}\"", answer.Html);
        Assert.Equal(before, await StateAsync());

        using var sent = await admin.PostAsync(ItemPath, page.Form(SignOffForm.SendBackName(request.Id)), new() { ["Decision.Comment"] = "Attach the signed charter first." });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"{ItemPath}?decided=sent-back", Page.LocalPath(sent.Headers.Location));

        var decided = await SingleRequestAsync();
        Assert.Equal(SignOffState.SentBack, decided.State);
        Assert.Equal("Attach the signed charter first.", decided.Comment);
        Assert.Equal((ChecklistItemStatus.NotStarted, (ChecklistItemStatus?)null), await ItemStateAsync());
        var after = WebUtility.HtmlDecode((await admin.GetAsync($"{ItemPath}?decided=sent-back")).Html);
        Assert.Contains("sent back with your comment", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Awaiting confirmation: Done", after, StringComparison.Ordinal);
        Assert.Contains("<p class=\"history-action\">sent back Done: Attach the signed charter first.</p>", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decision_posted_after_someone_else_decided_is_a_409_with_the_message_and_changes_nothing()
    {
        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, null);
        var request = await SingleRequestAsync();
        var stale = await admin.GetAsync(ProjectPath);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var adminId = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync(Cancel);
            await scope.ServiceProvider.GetRequiredService<SignOffService>().SendBackAsync(new Caller(adminId, Surface.Api), orgId, request.Id, new SignOffDecision("Not yet."), Cancel);
        }

        var before = await StateAsync();

        using var late = await admin.PostAsync(ProjectPath, stale.Form(SignOffForm.ConfirmName(request.Id)), []);
        var answer = await Page.ReadAsync(late);

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Contains("<p role=\"alert\" class=\"notice notice-error\">This request was already sent back; there is nothing left to decide.</p>", answer.Html, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task A_plain_member_sees_the_request_without_the_forms_and_their_posts_write_nothing()
    {
        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, Rationale);
        var request = await SingleRequestAsync();
        var adminPage = await admin.GetAsync(ProjectPath);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "signoff-member@example.test");

        var seen = await member.GetAsync(ProjectPath);
        Assert.Equal(HttpStatusCode.OK, seen.Status);
        Assert.Contains("id=\"agent-policy-note\"", adminPage.Html, StringComparison.Ordinal);
        Assert.Contains("you set Not started, In progress on your own here;", adminPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"agent-policy-note\"", seen.Html, StringComparison.Ordinal);
        var card = Card(seen.Html, request.Id);
        Assert.Contains("asked for Done", card, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", card, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", Card((await member.GetAsync(ItemPath)).Html, request.Id), StringComparison.Ordinal);
        Assert.DoesNotContain("Awaiting your confirmation", (await member.GetAsync($"/orgs/{orgId}/my-work")).Html, StringComparison.Ordinal);

        var before = await StateAsync();
        foreach (var (path, form, comment) in new[]
        {
            (ProjectPath, SignOffForm.ConfirmName(request.Id), ""),
            (ProjectPath, SignOffForm.SendBackName(request.Id), "No."),
            (ItemPath, SignOffForm.ConfirmName(request.Id), ""),
        })
        {
            using var posted = await PostWithOwnTokenAsync(member, path, adminPage.Form(form), new KeyValuePair<string, string>("Decision.Comment", comment));
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{path} {form}: {posted.StatusCode}");
        }

        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task Another_organizations_admin_finds_nothing_and_their_post_writes_nothing()
    {
        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, Rationale);
        var request = await SingleRequestAsync();
        var adminPage = await admin.GetAsync(ProjectPath);
        var (outsider, outsiderOrg) = await UiBrowser.WithOrganizationAsync(app, "signoff-outsider@example.test", "Elsewhere");
        using var _ = outsider;

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(ProjectPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(ItemPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/orgs/{outsiderOrg}/projects/{projectId}")).Status);
        Assert.DoesNotContain(request.Id.ToString(), (await outsider.GetAsync($"/orgs/{outsiderOrg}/my-work")).Html, StringComparison.Ordinal);

        var before = await StateAsync();
        foreach (var path in new[] { ProjectPath, $"/orgs/{outsiderOrg}/projects/{projectId}" })
        {
            using var posted = await PostWithOwnTokenAsync(outsider, path, adminPage.Form(SignOffForm.ConfirmName(request.Id)));
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {posted.StatusCode}");
        }

        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task My_work_lists_the_requests_the_person_may_decide_linking_to_each_on_its_project_page()
    {
        var empty = await admin.GetAsync($"/orgs/{orgId}/my-work");
        Assert.DoesNotContain("Awaiting your confirmation", empty.Html, StringComparison.Ordinal);

        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, null);
        var request = await SingleRequestAsync();

        var page = await admin.GetAsync($"/orgs/{orgId}/my-work");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Awaiting your confirmation <span class=\"count\">(1)</span>", page.Html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{ProjectPath}#sign-off-{request.Id}\">{request.ItemName}: Done</a>", WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
        Assert.Contains($"id=\"sign-off-{request.Id}\"", (await admin.GetAsync(ProjectPath)).Html, StringComparison.Ordinal);
        PageSafetyTests.AssertSafe("my work", page);
    }

    [Fact]
    public async Task An_admin_sets_the_agent_policy_on_settings_and_then_an_agents_done_applies_at_once()
    {
        var page = await admin.GetAsync(SettingsPath);
        Assert.Contains("<h2 id=\"agent-policy-heading\">Agent sign-off</h2>", page.Html, StringComparison.Ordinal);
        Assert.Matches("id=\"agents-alone-InProgress\" name=\"AgentsMaySetAlone\" value=\"InProgress\" checked", page.Html);
        Assert.Matches("id=\"agents-alone-Done\" name=\"AgentsMaySetAlone\" value=\"Done\"\\s*/?>", page.Html);
        Assert.Contains("Agents may set Not applicable on their own", page.Html, StringComparison.Ordinal);

        using var saved = await admin.PostFieldsAsync(SettingsPath, page.Form("agent-policy"), [new("AgentsMaySetAlone", "NotStarted"), new("AgentsMaySetAlone", "InProgress"), new("AgentsMaySetAlone", "Done")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"{SettingsPath}?saved=agent-policy", Page.LocalPath(saved.Headers.Location));
        Assert.Equal(new[] { ChecklistItemStatus.NotStarted, ChecklistItemStatus.InProgress, ChecklistItemStatus.Done }, (await PolicyAsync()).AgentsMaySetAlone);
        var after = await admin.GetAsync($"{SettingsPath}?saved=agent-policy");
        Assert.Contains("The agent sign-off policy was saved.", after.Html, StringComparison.Ordinal);
        Assert.Matches("value=\"Done\" checked", after.Html);

        await UiSteps.AgentSetsAsync(app, AdminEmail, orgId, projectId, itemId, ChecklistItemStatus.Done, null);
        Assert.Equal((ChecklistItemStatus.Done, (ChecklistItemStatus?)null), await ItemStateAsync());
        Assert.Contains("you set Not started, In progress, Done on your own here; Not applicable wait for a person", (await admin.GetAsync(ProjectPath)).Html, StringComparison.Ordinal);

        // A status the form does not offer is named next to the boxes, and nothing changes.
        using var bad = await admin.PostFieldsAsync(SettingsPath, after.Form("agent-policy"), [new("AgentsMaySetAlone", "Approved")]);
        var badPage = await Page.ReadAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, badPage.Status);
        Assert.Contains("<p class=\"field-error\" id=\"agent-policy-error\"><span>Tick statuses from the list.</span></p>", badPage.Html, StringComparison.Ordinal);
        Assert.Contains(ChecklistItemStatus.Done, (await PolicyAsync()).AgentsMaySetAlone);

        // Nothing ticked: agents set nothing alone.
        using var cleared = await admin.PostFieldsAsync(SettingsPath, after.Form("agent-policy"), []);
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        Assert.Empty((await PolicyAsync()).AgentsMaySetAlone);
    }

    [Fact]
    public async Task A_plain_member_cannot_change_the_agent_policy()
    {
        var page = await admin.GetAsync(SettingsPath);
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "signoff-policy-member@example.test");

        Assert.DoesNotContain("agent-policy", (await member.GetAsync(SettingsPath)).Html, StringComparison.Ordinal);
        using (var posted = await PostWithOwnTokenAsync(member, SettingsPath, page.Form("agent-policy"), new KeyValuePair<string, string>("AgentsMaySetAlone", "Done")))
        {
            Assert.True(posted.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"member: {posted.StatusCode}");
        }

        Assert.Equal(new[] { ChecklistItemStatus.NotStarted, ChecklistItemStatus.InProgress }, (await PolicyAsync()).AgentsMaySetAlone);
    }

    /// <summary>Posts another person's form with this browser's own antiforgery token, as someone crafting the request would.</summary>
    private static async Task<HttpResponseMessage> PostWithOwnTokenAsync(UiBrowser browser, string path, IReadOnlyDictionary<string, string> form, params KeyValuePair<string, string>[] fields)
    {
        var token = (await browser.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
        var hidden = new Dictionary<string, string>(form) { ["__RequestVerificationToken"] = token };
        return await browser.PostFieldsAsync(path, hidden, fields);
    }

    private async Task<SignOffRequestView> SingleRequestAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var request = await db.SignOffRequests.BypassTenantFilter().AsNoTracking().SingleAsync(r => r.ProjectId == projectId, Cancel);
        var adminId = await db.Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync(Cancel);
        return await scope.ServiceProvider.GetRequiredService<SignOffService>().GetAsync(new Caller(adminId, Surface.Ui), orgId, request.Id, Cancel);
    }

    private async Task<AgentPolicy> PolicyAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var adminId = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync(Cancel);
        return await scope.ServiceProvider.GetRequiredService<AgentPolicyService>().GetAsync(new Caller(adminId, Surface.Ui), orgId, Cancel);
    }

    private async Task<(ChecklistItemStatus Status, ChecklistItemStatus? Awaiting)> ItemStateAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var item = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().AsNoTracking().SingleAsync(i => i.Id == itemId, Cancel);
        return (item.Status, item.AwaitingStatus);
    }

    /// <summary>What a decision writes: every request's state and comment, every item's status and version, the activity count.</summary>
    private async Task<string> StateAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var requests = await db.SignOffRequests.BypassTenantFilter().AsNoTracking().Select(r => $"{r.Id}:{r.State}:{r.Comment}:{r.Version}").ToListAsync(Cancel);
        var items = await db.ChecklistItems.BypassTenantFilter().AsNoTracking().Select(i => $"{i.Id}:{i.Status}:{i.AwaitingStatus}:{i.Version}").ToListAsync(Cancel);
        var activity = await db.ActivityEntries.BypassTenantFilter().CountAsync(Cancel);
        return string.Join(";", requests.Order(StringComparer.Ordinal)) + "|" + string.Join(";", items.Order(StringComparer.Ordinal)) + "|" + activity;
    }

    /// <summary>The checklist item's element on the project page.</summary>
    private static string ItemElement(string html, Guid id)
    {
        var match = Regex.Match(html, $"<li class=\"item\" id=\"item-{id}\">.*?</li>\\s*(?=<li class=\"item\"|</ul>)", RegexOptions.Singleline);
        Assert.True(match.Success, $"No item {id} on the page.");
        return match.Value;
    }

    /// <summary>A request's element, on the project page or the item page.</summary>
    private static string Card(string html, Guid requestId)
    {
        var match = Regex.Match(html, $"<article class=\"sign-off\" id=\"sign-off-{requestId}\".*?</article>", RegexOptions.Singleline);
        Assert.True(match.Success, $"No request {requestId} on the page.");
        return match.Value;
    }
}
