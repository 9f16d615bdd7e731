using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Evidence;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Tests.Ui;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.GitHubSync;

/// <summary>
/// Evidence on GitHub through the real server and a fake GitHub over HTTP: REST shows each link's check and the stale
/// item, the dashboard lists it, and the item page and history say it in words. The test drives the checks itself
/// (the background workers are off) and stands in for the passing of time by making the next check due now.
/// </summary>
public sealed class EvidenceCheckServerTests
{
    private static readonly Dictionary<string, string?> WorkersOff = new() { ["GitHubSync:RunWorker"] = "false" };

    [Fact]
    public async Task Rest_shows_what_each_link_resolved_to_and_a_changed_file_makes_the_done_item_stale_on_the_dashboard()
    {
        await using var gitHub = await FakeGitHub.StartAsync();
        await using var app = await TestApp.StartAsync(settings: Settings(gitHub));
        var admin = await app.OnboardAsync("evidence-admin", "Evidence Org");
        await SetPlanAsync(app, admin.OrgId, Plan.Pro);
        var first = gitHub.Push("acme", "app", "main", Files("docs/threat-model.md", "v1"));
        using var connected = await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/github-sync", new { owner = "acme", repository = "app", branch = "main", token = gitHub.Token }, Cancel);
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Checkout");
        var itemId = (await admin.ItemsAsync(project))[0].GetProperty("id").GetGuid();
        var path = $"{OrgPath(admin.OrgId)}/projects/{project}/checklist/items/{itemId}";
        var fileLink = gitHub.FileLink("acme", "app", "main", "docs/threat-model.md");
        var missingLink = gitHub.FileLink("acme", "app", "main", "docs/nowhere.md");

        var read = await admin.Client.GetAsync(path, Cancel);
        using var done = await admin.Client.SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(new { status = "Done", evidenceLinks = new[] { fileLink, missingLink } }), read.Headers.ETag!.Tag);
        await RunChecksAsync(app);
        var checkedOnce = await (await admin.Client.GetAsync(path, Cancel)).ReadJsonAsync();
        var changed = gitHub.Push("acme", "app", "main", Files("docs/threat-model.md", "v2"));
        await MakeChecksDueAsync(app, admin.OrgId);
        await RunChecksAsync(app);
        var stale = await (await admin.Client.GetAsync(path, Cancel)).ReadJsonAsync();
        var dashboard = await (await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/dashboard", Cancel)).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var evidence = checkedOnce.GetProperty("evidence").EnumerateArray().ToDictionary(e => e.GetProperty("url").GetString()!);
        Assert.Equal(("File", "Resolves", first), (evidence[fileLink].GetProperty("kind").GetString(), evidence[fileLink].GetProperty("state").GetString(), evidence[fileLink].GetProperty("recordedCommitSha").GetString()));
        Assert.Equal("Missing", evidence[missingLink].GetProperty("state").GetString());
        Assert.False(checkedOnce.GetProperty("item").GetProperty("stale").GetBoolean());
        var item = stale.GetProperty("item");
        Assert.Equal(("Done", true, "EvidenceChanged"), (item.GetProperty("status").GetString(), item.GetProperty("stale").GetBoolean(), item.GetProperty("staleReason").GetString()));
        var file = stale.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("url").GetString() == fileLink);
        Assert.Equal((first, changed, true), (file.GetProperty("recordedCommitSha").GetString(), file.GetProperty("latestCommitSha").GetString(), file.GetProperty("changed").GetBoolean()));
        var listed = Assert.Single(dashboard.GetProperty("staleItems").EnumerateArray());
        Assert.Equal((itemId, "EvidenceChanged"), (listed.GetProperty("itemId").GetGuid(), listed.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task The_item_page_the_dashboard_and_the_history_say_the_evidence_changed()
    {
        await using var gitHub = await FakeGitHub.StartAsync();
        await using var app = await TestApp.StartAsync(settings: Settings(gitHub));
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "evidence-editor@example.test");
        using var _ = browser;
        await ConnectAsync(app, orgId, gitHub);
        gitHub.Push("acme", "app", "main", Files("docs/runbook.md", "v1"));
        var item = UiSteps.ItemIds(await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}"))[0];
        var path = $"/orgs/{orgId}/projects/{projectId}/items/{item}";
        var before = await browser.GetAsync(path);
        using var saved = await browser.PostAsync(path, before.Form("edit-item"), new()
        {
            ["Edit.Status"] = "Done",
            ["Edit.Evidence"] = gitHub.FileLink("acme", "app", "main", "docs/runbook.md"),
        });

        await RunChecksAsync(app);
        var found = await browser.GetAsync(path);
        gitHub.Push("acme", "app", "main", Files("docs/runbook.md", "v2"));
        await MakeChecksDueAsync(app, orgId);
        await RunChecksAsync(app);
        var after = await browser.GetAsync(path);
        var dashboard = await browser.GetAsync($"/orgs/{orgId}");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("Found; recorded at commit", found.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Evidence changed</span>", found.Html, StringComparison.Ordinal);
        Assert.Contains(">Evidence changed</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("Changed since it was accepted", after.Html, StringComparison.Ordinal);
        Assert.Contains("found that a GitHub file given as evidence changed since it was accepted", after.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-done\">Done</span>", after.Html, StringComparison.Ordinal);
        Assert.Contains("Evidence changed on", dashboard.Html, StringComparison.Ordinal);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(FakeGitHub gitHub) => new(WorkersOff) { [ServerSettings.GitHubApiUrlKey] = gitHub.ApiUrl.AbsoluteUri };

    private static Dictionary<string, byte[]> Files(string path, string text) => new() { [path] = System.Text.Encoding.UTF8.GetBytes(text) };

    private static Task<int> RunChecksAsync(TestApp app) => app.App.Services.GetRequiredService<EvidenceCheckRunner>().RunDueAsync(Cancel);

    private static async Task SetPlanAsync(TestApp app, Guid orgId, Plan plan)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        (await db.Organizations.SingleAsync(Cancel)).Plan = plan;
        await db.SaveChangesAsync(Cancel);
    }

    /// <summary>The twelve hours until the next look, passed: every check of the organization is due now.</summary>
    private static async Task MakeChecksDueAsync(TestApp app, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var now = DateTime.UtcNow;
        Assert.NotEqual(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().EvidenceChecks.ExecuteUpdateAsync(u => u.SetProperty(c => c.DueAt, now), Cancel));
    }

    /// <summary>A stored connection with the fake's token, sealed as the settings page seals it.</summary>
    private static async Task ConnectAsync(TestApp app, Guid orgId, FakeGitHub gitHub)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var secrets = scope.ServiceProvider.GetRequiredService<GitHubSecrets>();
        db.GitHubSyncSettings.Add(new GitHubSyncSettings
        {
            OrganizationId = orgId,
            Owner = "acme",
            Repository = "standards",
            Branch = "main",
            TokenCiphertext = secrets.SealToken(orgId, gitHub.Token),
            WebhookSecretCiphertext = secrets.SealWebhookSecret(orgId, GitHubSecrets.NewWebhookSecret()),
            CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(Cancel);
    }
}
