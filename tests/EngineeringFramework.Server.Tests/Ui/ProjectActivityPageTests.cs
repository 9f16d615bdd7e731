using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// A project's activity history: every change to its checklist, newest first, with who made it and through which
/// surface and client, the item linked, and older changes behind the use case's cursor.
/// </summary>
public sealed partial class ProjectActivityPageTests : IAsyncLifetime
{
    private const string AdminEmail = "history-admin@example.test";

    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string ProjectPath => $"/orgs/{orgId}/projects/{projectId}";

    private string ActivityPath => ProjectPath + "/activity";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, AdminEmail);
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_status_change_on_the_project_page_is_listed_with_the_person_the_item_link_and_the_change()
    {
        var project = await admin.GetAsync(ProjectPath);
        var item = UiSteps.ItemIds(project)[0];
        var empty = await admin.GetAsync(ActivityPath);

        using var saved = await admin.SubmitAsync(ProjectPath, $"status-{item}", new() { ["Update.Status"] = "Done" });
        var history = await admin.GetAsync(ActivityPath);

        Assert.Contains($"href=\"{ActivityPath}\"", project.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, empty.Status);
        Assert.Contains("No changes yet.", empty.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, history.Status);
        Assert.Contains($"<a href=\"{ProjectPath}\">Checkout revamp</a>", history.Html, StringComparison.Ordinal);
        var entries = Entries(history);
        var entry = Assert.Single(entries);
        Assert.Matches($@"· {Regex.Escape(AdminEmail)} via web\s*</p>", entry.Html);
        Assert.Matches(@"<time datetime=""\d{4}-\d\d-\d\dT[^""]+"">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>", entry.Html);
        Assert.Matches($"<a href=\"{Regex.Escape($"{ProjectPath}/items/{item}")}\">[^<]+</a>", entry.Html);
        Assert.Matches(@"<span class=""change-field"">status</span>: NotStarted <span aria-hidden=""true"">→</span><span class=""visually-hidden""> to </span> Done</li>", entry.Html);
        Assert.DoesNotContain("Older changes", history.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_made_through_the_rest_api_names_the_surface_and_its_client()
    {
        var item = UiSteps.ItemIds(await admin.GetAsync(ProjectPath))[0];
        using var api = app.ClientWithToken(app.MintToken(await SubjectOfAsync(AdminEmail), AdminEmail, app.App.Services.GetRequiredService<Audiences>().Api));
        api.DefaultRequestHeaders.UserAgent.ParseAdd("release-bot/2.1");

        using var updated = await api.SendAsync(HttpMethod.Put, $"{ApiTestKit.OrgPath(orgId)}/projects/{projectId}/checklist/items/{item}", """{"status":"InProgress"}""", "\"1\"");
        var history = await admin.GetAsync(ActivityPath);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var entry = Assert.Single(Entries(history));
        Assert.Matches($@"· {Regex.Escape(AdminEmail)} via REST API \(release-bot/2\.1\)\s*</p>", entry.Html);
        Assert.Contains($"{ProjectPath}/items/{item}", entry.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_made_by_an_agent_through_mcp_names_the_surface_and_its_client()
    {
        var item = UiSteps.ItemIds(await admin.GetAsync(ProjectPath))[0];
        var subject = await SubjectOfAsync(AdminEmail);
        var userId = await app.UserIdAsync(subject);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(userId, Surface.Ui), orgId, new GrantMcpAccessRequest(userId), Cancel);
        }

        await using var agent = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(app.BaseAddress, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string>
                {
                    ["Authorization"] = "Bearer " + app.MintToken(subject, AdminEmail, app.App.Services.GetRequiredService<Audiences>().Mcp),
                    ["User-Agent"] = "checklist-agent/0.9",
                },
            }),
            new McpClientOptions { ClientInfo = new Implementation { Name = "checklist-agent", Version = "0.9" } },
            cancellationToken: Cancel);
        var result = await agent.CallToolAsync("update_checklist_item", new Dictionary<string, object?>
        {
            ["organization_id"] = orgId,
            ["project_id"] = projectId,
            ["item_id"] = item,
            ["version"] = 1,
            ["status"] = "InProgress",
        }, cancellationToken: Cancel);
        var history = await admin.GetAsync(ActivityPath);

        Assert.True(result.IsError != true, string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        var entry = Assert.Single(Entries(history));
        Assert.Matches($@"· {Regex.Escape(AdminEmail)} via MCP \(checklist-agent/0\.9\)\s*</p>", entry.Html);
        Assert.Contains($"{ProjectPath}/items/{item}", entry.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Older_changes_lead_to_the_rest_of_the_history_with_no_entry_twice()
    {
        // 30 items changed twice through the API's batch: 60 entries, more than one page of 50, many sharing a timestamp.
        var items = UiSteps.ItemIds(await admin.GetAsync(ProjectPath)).Take(30).ToList();
        using var api = app.ClientWithToken(app.MintToken(await SubjectOfAsync(AdminEmail), AdminEmail, app.App.Services.GetRequiredService<Audiences>().Api));
        foreach (var (status, version) in new[] { ("InProgress", 1), ("Done", 2) })
        {
            var changes = string.Join(",", items.Select(i => $$"""{"itemId":"{{i}}","version":{{version}},"status":"{{status}}"}"""));
            using var batch = await api.SendAsync(HttpMethod.Post, $"{ApiTestKit.OrgPath(orgId)}/projects/{projectId}/checklist/batch", $$"""{"items":[{{changes}}]}""");
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        }

        var first = await admin.GetAsync(ActivityPath);
        var older = OlderLink().Match(first.Html);
        Assert.True(older.Success, "The first page has no link to older changes.");
        var second = await admin.GetAsync(WebUtility.HtmlDecode(older.Groups[1].Value));

        Assert.Equal(HttpStatusCode.OK, second.Status);
        var firstIds = Entries(first).Select(e => e.Id).ToList();
        var secondIds = Entries(second).Select(e => e.Id).ToList();
        Assert.Equal(50, firstIds.Count);
        Assert.Equal(10, secondIds.Count);
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.DoesNotMatch(OlderLink(), second.Html);
        Assert.Contains($"<a href=\"{ActivityPath}\">Newest changes</a>", second.Html, StringComparison.Ordinal);

        // Newest first: the second round (to Done) fills the first page before any of the first round (to In progress).
        Assert.All(Entries(first).Take(30), e => Assert.Contains("</span> Done</li>", e.Html, StringComparison.Ordinal));
        Assert.All(Entries(second), e => Assert.Contains("</span> InProgress</li>", e.Html, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("%00%01")]
    [InlineData("eyJ4IjoxfQ")]
    public async Task A_cursor_the_page_did_not_hand_out_is_a_400_with_a_message_and_the_newest_changes(string cursor)
    {
        var item = UiSteps.ItemIds(await admin.GetAsync(ProjectPath))[0];
        using var saved = await admin.SubmitAsync(ProjectPath, $"status-{item}", new() { ["Update.Status"] = "Done" });

        var page = await admin.GetAsync($"{ActivityPath}?cursor={cursor}");

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("<p role=\"alert\" class=\"notice notice-error\">That link to older changes is not one this page made; showing the newest changes instead.</p>", page.Html, StringComparison.Ordinal);
        Assert.Single(Entries(page));
    }

    [Fact]
    public async Task Another_organizations_member_gets_the_404_page_and_a_plain_member_may_read_the_history()
    {
        var item = UiSteps.ItemIds(await admin.GetAsync(ProjectPath))[0];
        using var saved = await admin.SubmitAsync(ProjectPath, $"status-{item}", new() { ["Update.Status"] = "Done" });
        var (outsider, outsiderOrg) = await UiBrowser.WithOrganizationAsync(app, "history-outsider@example.test", "Elsewhere");
        using var _outsider = outsider;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "history-member@example.test");

        var theirs = await outsider.GetAsync(ActivityPath);
        var viaOwnOrg = await outsider.GetAsync($"/orgs/{outsiderOrg}/projects/{projectId}/activity");
        var unknown = await admin.GetAsync($"/orgs/{orgId}/projects/{Guid.NewGuid()}/activity");
        var read = await member.GetAsync(ActivityPath);

        // The REST route's permission (can_view on the project, which every member of its organization holds).
        Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
        Assert.Contains("<h1>Not found</h1>", theirs.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout revamp", theirs.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, viaOwnOrg.Status);
        Assert.Contains("<h1>Not found</h1>", viaOwnOrg.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout revamp", viaOwnOrg.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Single(Entries(read));
    }

    private async Task<string> SubjectOfAsync(string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email))!.Id;
    }

    private static List<(Guid Id, string Html)> Entries(Page page)
        => [.. EntryElement().Matches(page.Html).Select(m => (Guid.Parse(m.Groups[1].Value), m.Value))];

    [GeneratedRegex("<li id=\"entry-([0-9a-f-]{36})\">.*?</ul>\\s*</li>", RegexOptions.Singleline)]
    private static partial Regex EntryElement();

    [GeneratedRegex("<a class=\"button-link\" href=\"([^\"]+/activity\\?cursor=[^\"]+)\">Older changes</a>")]
    private static partial Regex OlderLink();
}
