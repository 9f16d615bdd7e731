using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.GitHubSync;

public sealed class GitHubSyncApiTests(GitHubSyncServer server) : IClassFixture<GitHubSyncServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly (string Method, string Path, string? Json)[] Routes =
    [
        ("GET", "", null),
        ("PUT", "", """{"owner":"acme","repository":"standards","branch":"main","token":"ghp_x"}"""),
        ("DELETE", "", null),
        ("DELETE", "/token", null),
        ("GET", "/webhook", null),
        ("POST", "/webhook/secret", null),
        ("POST", "/sync", null),
        ("GET", "/jobs", null),
        ("GET", $"/jobs/{Guid.Empty}", null),
    ];

    [Fact]
    public async Task Every_route_is_for_the_organizations_admins_only()
    {
        var (org, _) = await server.OrganizationAsync();
        var member = await server.App.AddMemberAsync(org.OrgId, "member-" + Guid.NewGuid().ToString("N")[..6]);
        var outsider = await server.App.OnboardAsync("outsider-" + Guid.NewGuid().ToString("N")[..6], "Elsewhere");

        foreach (var (method, path, json) in Routes)
        {
            var url = $"{ApiTestKit.OrgPath(org.OrgId)}/github-sync{path}";
            Assert.Equal(HttpStatusCode.Forbidden, (await member.Client.SendAsync(new HttpMethod(method), url, json)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.Client.SendAsync(new HttpMethod(method), url, json)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.App.Client.SendAsync(new HttpMethod(method), url, json)).StatusCode);
        }
    }

    [Fact]
    public async Task A_Free_organization_sees_what_the_plan_would_unlock_and_cannot_connect()
    {
        var (org, owner) = await server.OrganizationAsync(Plan.Free);
        var path = $"{ApiTestKit.OrgPath(org.OrgId)}/github-sync";

        var view = await (await org.Client.GetAsync(path, Cancel)).ReadJsonAsync();
        var configure = await server.ConfigureAsync(org, owner);
        var sync = await org.Client.PostAsync(path + "/sync", null, Cancel);
        var webhook = await org.Client.GetAsync(path + "/webhook", Cancel);

        Assert.Equal(("Free", false, false), (view.GetProperty("plan").GetString(), view.GetProperty("planAllowsSync").GetBoolean(), view.GetProperty("configured").GetBoolean()));
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], [configure.StatusCode, sync.StatusCode, webhook.StatusCode]);
        Assert.Contains("Pro", (await configure.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.GitHub.Requests, r => r.PathAndQuery.Contains(owner, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wrong-token", "main", "token")]
    [InlineData(null, "no-such-branch", "branch")]
    [InlineData(null, "bad..name", "branch")]
    public async Task A_token_GitHub_refuses_is_a_400_naming_the_field_and_nothing_is_written(string? token, string branch, string field)
    {
        var (org, owner) = await server.OrganizationAsync();

        var response = await server.ConfigureAsync(org, owner, token, branch);

        await response.AssertValidationProblemAsync(field);
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(org.OrgId);
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().GitHubSyncSettings.AnyAsync(Cancel));
    }

    [Fact]
    public async Task Changing_the_branch_without_a_token_is_a_400_naming_token_and_keeping_the_same_source_needs_none()
    {
        var (org, owner) = await server.OrganizationAsync();
        server.GitHub.Push(owner, "standards", "release", Testing.SyncFixtures.Framework());
        var path = $"{ApiTestKit.OrgPath(org.OrgId)}/github-sync";
        Assert.Equal(HttpStatusCode.OK, (await server.ConfigureAsync(org, owner)).StatusCode);
        var before = await ConnectionAsync(org.OrgId);

        var moved = await org.Client.SendAsync(HttpMethod.Put, path, $$"""{"owner":"{{owner}}","repository":"standards","branch":"release","token":null}""");
        var kept = await org.Client.SendAsync(HttpMethod.Put, path, $$"""{"owner":"{{owner}}","repository":"standards","branch":"main"}""");

        await moved.AssertValidationProblemAsync("token");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.True((await kept.ReadJsonAsync()).GetProperty("hasToken").GetBoolean());
        var after = await ConnectionAsync(org.OrgId);
        Assert.Equal((before.Branch, before.Token), (after.Branch, after.Token));
    }

    private async Task<(string Branch, string Token)> ConnectionAsync(Guid orgId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var settings = await scope.ServiceProvider.GetRequiredService<AppDbContext>().GitHubSyncSettings.AsNoTracking().SingleAsync(Cancel);
        return (settings.Branch, Convert.ToBase64String(settings.TokenCiphertext!));
    }

    [Fact]
    public async Task A_full_flow_syncs_on_demand_and_the_token_appears_in_no_response_log_line_or_row()
    {
        var (org, owner) = await server.OrganizationAsync();
        var path = $"{ApiTestKit.OrgPath(org.OrgId)}/github-sync";
        var token = server.GitHub.Token;
        var bodies = new StringBuilder();
        async Task<HttpResponseMessage> Record(Task<HttpResponseMessage> call)
        {
            var response = await call;
            bodies.Append(await response.Content.ReadAsStringAsync(Cancel)).Append(response.Headers).Append('\n');
            return response;
        }

        Assert.Equal(HttpStatusCode.OK, (await Record(server.ConfigureAsync(org, owner))).StatusCode);
        await AssertTokenSealedAsync(org.OrgId, token);
        await Record(org.Client.GetAsync(path, Cancel));
        await Record(org.Client.GetAsync(path + "/webhook", Cancel));
        await Record(server.ConfigureAsync(org, owner, "wrong-" + token));
        var started = Stopwatch.StartNew();
        var queued = await Record(org.Client.PostAsync(path + "/sync", null, Cancel));
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await queued.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal($"{path}/jobs/{jobId}", queued.Headers.Location!.OriginalString);
        var job = await server.WaitForJobAsync(org, jobId);
        started.Stop();
        await Record(org.Client.GetAsync(path + "/jobs", Cancel));
        await Record(org.Client.GetAsync(path, Cancel));
        await Record(org.Client.DeleteAsync(path + "/token", Cancel));

        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        Assert.Equal(100, job.GetProperty("itemCount").GetInt32());
        Assert.InRange(job.GetProperty("gitHubRequests").GetInt32(), 1, 3);
        TestContext.Current.SendDiagnosticMessage($"sync of 100 items / 120 files: {started.ElapsedMilliseconds} ms end to end, {job.GetProperty("gitHubRequests").GetInt32()} GitHub requests");
        Assert.DoesNotContain(token, bodies.ToString(), StringComparison.Ordinal);
        var logs = server.App.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, l => (l.Message + l.Exception + string.Join(',', l.StructuredState ?? [])).Contains(token, StringComparison.Ordinal));
        await AssertNoPlaintextTokenAsync(token);

        // New projects now copy the synced framework.
        var department = await org.CreateDepartmentAsync("Platform");
        var project = await org.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(org.OrgId)}/projects", new { departmentId = department, name = "After sync" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        var projectId = (await project.ReadJsonAsync()).GetProperty("project").GetProperty("id").GetGuid();
        var checklist = await (await org.Client.GetAsync($"{ApiTestKit.OrgPath(org.OrgId)}/projects/{projectId}/checklist", Cancel)).ReadJsonAsync();
        var slugs = ApiTestKit.ChecklistItems(checklist).Select(i => i.GetProperty("itemSlug").GetString()).ToList();
        Assert.Equal(100, slugs.Count);
        Assert.All(slugs, slug => Assert.StartsWith("practice-", slug, StringComparison.Ordinal));
    }

    /// <summary>
    /// The stored row while the token is configured: AES-256-GCM as promised (version byte, 96-bit nonce, ciphertext as
    /// long as the token, 128-bit tag), never the token's bytes, and it opens back to the token with the key.
    /// </summary>
    private async Task AssertTokenSealedAsync(Guid orgId, string token)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var stored = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().GitHubSyncSettings.AsNoTracking().SingleAsync(Cancel)).TokenCiphertext;
        var plaintext = Encoding.UTF8.GetBytes(token);

        Assert.NotNull(stored);
        Assert.True(stored.AsSpan().IndexOf(plaintext) < 0, "the stored token holds the token's own bytes");
        Assert.Equal(1 + 12 + plaintext.Length + 16, stored.Length);
        Assert.Equal(1, stored[0]);
        var box = new SecretBox(scope.ServiceProvider.GetRequiredService<EncryptionKey>());
        Assert.Equal(token, box.OpenString(stored, $"organization:{orgId}", GitHubSecrets.TokenPurpose));
    }

    private async Task AssertNoPlaintextTokenAsync(string token)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Every settings row of every organization (an audit across tenants, hence the bypass).
        var stored = await db.GitHubSyncSettings.BypassTenantFilter().Select(s => s.TokenCiphertext).ToListAsync(Cancel);
        var needle = Encoding.UTF8.GetBytes(token);
        Assert.All(stored, value => Assert.True(value is null || value.AsSpan().IndexOf(needle) < 0));
        var text = await db.GitHubSyncJobs.BypassTenantFilter().Select(j => j.Message).ToListAsync(Cancel);
        Assert.DoesNotContain(text, m => m != null && m.Contains(token, StringComparison.Ordinal));
    }
}
