using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Tests.Ui;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.GitHubSync;

/// <summary>
/// Checks through the real pipeline: signed deliveries to the webhook, the background worker, commit statuses on the
/// fake GitHub's HTTP API, and the check's page and REST answer.
/// </summary>
public sealed class FrameworkCheckServerTests(GitHubSyncServer server) : IClassFixture<GitHubSyncServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_valid_push_to_another_branch_gets_one_success_status_linking_to_a_page_members_see_and_the_framework_stays()
    {
        var org = await ConnectedAndSyncedAsync();
        var sha = server.GitHub.Push(org.Owner, "standards", "feature", SyncFixtures.Framework(items: 103));

        Assert.Equal(HttpStatusCode.Accepted, (await org.PushAsync("d-feature", "feature", sha)).StatusCode);
        var check = await WaitForCheckAsync(org.Admin.OrgId, sha);

        var status = Assert.Single(server.GitHub.StatusesOf(sha));
        Assert.Equal(("success", "engineering-framework/validate"), (status.State, status.Context));
        Assert.Equal("valid: +3 items, \u22120, 0 changed; affects 1 project", status.Description);
        var target = new Uri(status.TargetUrl!);
        Assert.Equal($"/orgs/{org.Admin.OrgId}/framework/checks/{check.Id}", target.AbsolutePath);
        Assert.Equal([$"github:{org.MainSha}"], await VersionSourcesAsync(org.Admin.OrgId));

        using var member = await MemberBrowserAsync(org.Admin.OrgId);
        var page = await member.GetAsync(target.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("id=\"check-state\" class=\"tag tag-ok\">Valid<", page.Html, StringComparison.Ordinal);
        Assert.Contains("Push to feature", page.Html, StringComparison.Ordinal);
        Assert.Contains("<code>practice-102</code>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"check-projects\">1</dd>", page.Html, StringComparison.Ordinal);
        Ui.PageSafetyTests.AssertSafe(target.AbsolutePath, page);

        var (outsider, _) = await UiBrowser.WithOrganizationAsync(server.App, $"outsider-{Guid.NewGuid():N}@example.test", "Elsewhere");
        using (outsider)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(target.AbsolutePath)).Status);
        }

        var plain = await server.App.AddMemberAsync(org.Admin.OrgId, "plain-" + Guid.NewGuid().ToString("N")[..8]);
        var answer = await (await plain.Client.GetAsync($"{ApiTestKit.OrgPath(org.Admin.OrgId)}/github-sync/checks/{check.Id}", Cancel)).ReadJsonAsync();
        Assert.Equal(("Valid", 3, 1), (answer.GetProperty("check").GetProperty("state").GetString(), answer.GetProperty("check").GetProperty("itemsAdded").GetInt32(), answer.GetProperty("check").GetProperty("projectsAffected").GetInt32()));
    }

    [Fact]
    public async Task An_invalid_framework_on_a_branch_gets_one_failure_status_and_its_page_lists_the_errors_with_their_locations()
    {
        var org = await ConnectedAndSyncedAsync();
        var sha = server.GitHub.Push(org.Owner, "standards", "broken", SyncFixtures.InvalidFramework());

        await org.PushAsync("d-broken", "broken", sha);
        var check = await WaitForCheckAsync(org.Admin.OrgId, sha);

        var status = Assert.Single(server.GitHub.StatusesOf(sha));
        Assert.Equal("failure", status.State);
        Assert.StartsWith("invalid: 1 error (", status.Description, StringComparison.Ordinal);
        var error = Assert.Single(check.Errors);
        using var member = await MemberBrowserAsync(org.Admin.OrgId);
        var page = await member.GetAsync(new Uri(status.TargetUrl!).AbsolutePath);
        Assert.Contains("id=\"check-errors\"", page.Html, StringComparison.Ordinal);
        Ui.PageSafetyTests.AssertSafe(status.TargetUrl!, page);
        Assert.Contains($"<li><code>{error.Location}</code>: {error.Message}</li>", WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
        Assert.Equal([$"github:{org.MainSha}"], await VersionSourcesAsync(org.Admin.OrgId));
    }

    [Fact]
    public async Task A_pull_request_synchronize_gets_one_status_for_its_head_commit()
    {
        var org = await ConnectedAndSyncedAsync();
        var head = server.GitHub.Commit(org.Owner, "standards", SyncFixtures.Framework(items: 101));

        Assert.Equal(HttpStatusCode.Accepted, (await org.PullRequestAsync("d-pr", "synchronize", head, 12)).StatusCode);
        await WaitForCheckAsync(org.Admin.OrgId, head);

        var status = Assert.Single(server.GitHub.StatusesOf(head));
        Assert.Equal(("success", "valid: +1 item, \u22120, 0 changed; affects 1 project"), (status.State, status.Description));
    }

    [Fact]
    public async Task A_push_to_the_configured_branch_is_applied_and_gets_one_status_and_redeliveries_add_none()
    {
        var org = await ConnectedAndSyncedAsync();
        var sha = server.GitHub.Push(org.Owner, "standards", "main", SyncFixtures.Framework(label: "v2"));

        Assert.Equal(HttpStatusCode.Accepted, (await org.PushAsync("d-main", "main", sha)).StatusCode);
        await WaitForCheckAsync(org.Admin.OrgId, sha);
        await WaitForIdleAsync(org.Admin.OrgId);
        Assert.Equal("duplicate", (await (await org.PushAsync("d-main", "main", sha)).ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("duplicate", (await (await org.PullRequestAsync("d-pr-same", "opened", sha, 3)).ReadJsonAsync()).GetProperty("status").GetString());
        await WaitForIdleAsync(org.Admin.OrgId);

        Assert.Contains($"github:{sha}", await VersionSourcesAsync(org.Admin.OrgId));
        var status = Assert.Single(server.GitHub.StatusesOf(sha));
        Assert.Equal("success", status.State);
    }

    [Fact]
    public async Task A_token_without_push_access_is_saved_with_a_warning_and_a_refused_status_is_recorded_once_without_retrying()
    {
        var org = await ConnectedAndSyncedAsync();
        server.GitHub.ReadOnlyRepositories.Add($"{org.Owner}/standards");
        var configured = await server.ConfigureAsync(org.Admin, org.Owner);
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Contains("cannot post commit statuses", (await configured.ReadJsonAsync()).GetProperty("statusWarning").GetString(), StringComparison.Ordinal);
        var sha = server.GitHub.Push(org.Owner, "standards", "feature", SyncFixtures.Framework(items: 102));

        await org.PushAsync("d-ro", "feature", sha);
        var check = await WaitForCheckAsync(org.Admin.OrgId, sha);
        await WaitForIdleAsync(org.Admin.OrgId);

        Assert.Equal(FrameworkCheckState.Valid, check.State);
        Assert.Contains("cannot post commit statuses", check.StatusProblem, StringComparison.Ordinal);
        Assert.Empty(server.GitHub.StatusesOf(sha));
        Assert.Single(server.GitHub.Requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith(sha, StringComparison.Ordinal));
        var job = await CheckJobAsync(org.Admin.OrgId, sha);
        Assert.Equal((GitHubSyncStatus.Succeeded, 1), (job.Status, job.Attempts));
        var page = await (await org.Admin.Client.GetAsync($"{ApiTestKit.OrgPath(org.Admin.OrgId)}/github-sync", Cancel)).ReadJsonAsync();
        Assert.Equal("Valid", page.GetProperty("recentChecks")[0].GetProperty("state").GetString());
        server.GitHub.ReadOnlyRepositories.Clear();
    }

    private async Task<ConnectedOrg> ConnectedAndSyncedAsync()
    {
        var (admin, owner) = await server.OrganizationAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.ConfigureAsync(admin, owner)).StatusCode);
        var sync = await admin.Client.PostAsync($"{ApiTestKit.OrgPath(admin.OrgId)}/github-sync/sync", null, Cancel);
        var job = await server.WaitForJobAsync(admin, (await sync.ReadJsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        var department = await admin.CreateDepartmentAsync("Platform");
        await admin.CreateProjectAsync(department, "Payments");
        var webhook = await (await admin.Client.GetAsync($"{ApiTestKit.OrgPath(admin.OrgId)}/github-sync/webhook", Cancel)).ReadJsonAsync();
        return new ConnectedOrg(server, admin, owner, job.GetProperty("commitSha").GetString()!, webhook.GetProperty("secret").GetString()!);
    }

    /// <summary>A person signed in to the web app and added to the organization as a plain member.</summary>
    private async Task<UiBrowser> MemberBrowserAsync(Guid orgId)
    {
        var email = $"member-{Guid.NewGuid():N}@example.test";
        var browser = await UiBrowser.SignUpAsync(server.App, email);
        // The first page provisions the person (the door does); only then can they be added.
        Assert.Equal("/onboarding", (await browser.GetAsync("/")).Location);
        string subject;
        await using (var scope = server.App.App.Services.CreateAsyncScope())
        {
            subject = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.AuthSubject).SingleAsync(Cancel);
        }

        await server.App.AddMemberAsync(orgId, subject);
        return browser;
    }

    /// <summary>Waits for the background worker to finish the check of <paramref name="sha"/> (its last try), then reads it.</summary>
    private async Task<FrameworkCheck> WaitForCheckAsync(Guid orgId, string sha)
    {
        var job = await CheckJobAsync(orgId, sha);
        var finished = server.App.App.Services.GetRequiredService<GitHubSyncSignal>().WhenFinished(job.Id);
        if (!(await CheckJobAsync(orgId, sha)).IsFinished)
        {
            await finished.WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        }

        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkChecks.AsNoTracking().SingleAsync(c => c.CommitSha == sha, Cancel);
    }

    /// <summary>Waits until the organization has no job waiting or running (each job's end is signalled).</summary>
    private async Task WaitForIdleAsync(Guid orgId)
    {
        var signal = server.App.App.Services.GetRequiredService<GitHubSyncSignal>();
        while (await OpenJobAsync(orgId) is { } id)
        {
            var finished = signal.WhenFinished(id);
            if (await OpenJobAsync(orgId) == id)
            {
                await finished.WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            }
        }
    }

    private async Task<Guid?> OpenJobAsync(Guid orgId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().GitHubSyncJobs
            .Where(j => j.Status == GitHubSyncStatus.Queued || j.Status == GitHubSyncStatus.Running).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(Cancel);
    }

    private async Task<GitHubSyncJob> CheckJobAsync(Guid orgId, string sha)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().GitHubSyncJobs.AsNoTracking()
            .SingleAsync(j => j.Kind == GitHubSyncJobKind.Check && j.CommitSha == sha, Cancel);
    }

    private async Task<List<string>> VersionSourcesAsync(Guid orgId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkVersions
            .Where(v => v.OrganizationId == orgId).OrderBy(v => v.ImportedAt).Select(v => v.Source).ToListAsync(Cancel);
    }

    private sealed record ConnectedOrg(GitHubSyncServer Server, OrgUser Admin, string Owner, string MainSha, string Secret)
    {
        public Task<HttpResponseMessage> PushAsync(string deliveryId, string branch, string sha) => DeliverAsync("push", deliveryId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = $"refs/heads/{branch}",
            before = new string('0', 40),
            after = sha,
            deleted = false,
            repository = new { full_name = $"{Owner}/standards", name = "standards" },
        }));

        public Task<HttpResponseMessage> PullRequestAsync(string deliveryId, string action, string headSha, int number) => DeliverAsync("pull_request", deliveryId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            action,
            number,
            pull_request = new { number, head = new { sha = headSha, @ref = "topic", repo = new { full_name = "fork-owner/standards" } } },
            repository = new { full_name = $"{Owner}/standards" },
        }));

        private async Task<HttpResponseMessage> DeliverAsync(string eventName, string deliveryId, byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.App.BaseAddress, $"/webhooks/github/{Admin.OrgId}")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", eventName);
            request.Headers.Add("X-GitHub-Delivery", deliveryId);
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
            return await Server.App.Client.SendAsync(request, Cancel);
        }
    }
}
