using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.GitHubSync;

/// <summary>The real server (with its background sync worker) pointed at a fake GitHub, shared by a test class.</summary>
public sealed class GitHubSyncServer : IAsyncLifetime
{
    internal TestApp App { get; private set; } = null!;

    internal FakeGitHub GitHub { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        GitHub = await FakeGitHub.StartAsync();
        App = await TestApp.StartAsync(settings: new Dictionary<string, string?> { [ServerSettings.GitHubApiUrlKey] = GitHub.ApiUrl.AbsoluteUri });
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await GitHub.DisposeAsync();
    }

    /// <summary>A new organization on <paramref name="plan"/> whose repository acme-{n}/standards has a valid framework on main.</summary>
    internal async Task<(OrgUser Admin, string Owner)> OrganizationAsync(Plan plan = Plan.Pro)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.OnboardAsync("admin-" + suffix, "Org " + suffix);
        await SetPlanAsync(admin.OrgId, plan);
        var owner = "acme-" + suffix;
        GitHub.Push(owner, "standards", "main", SyncFixtures.Framework());
        return (admin, owner);
    }

    internal async Task SetPlanAsync(Guid orgId, Plan plan)
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        (await db.Organizations.SingleAsync(TestContext.Current.CancellationToken)).Plan = plan;
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    internal async Task<HttpResponseMessage> ConfigureAsync(OrgUser admin, string owner, string? token = null, string branch = "main")
        => await admin.Client.PutAsJsonAsync(
            $"{ApiTestKit.OrgPath(admin.OrgId)}/github-sync",
            new { owner, repository = "standards", branch, token = token ?? GitHub.Token },
            TestContext.Current.CancellationToken);

    /// <summary>Waits for the background worker to finish <paramref name="jobId"/>, then reads the job through the API.</summary>
    internal async Task<JsonElement> WaitForJobAsync(OrgUser admin, Guid jobId)
    {
        var finished = App.App.Services.GetRequiredService<GitHubSyncSignal>().WhenFinished(jobId);
        var job = await ReadJobAsync(admin, jobId);
        if (job.GetProperty("status").GetString() is "Queued" or "Running")
        {
            await finished.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            job = await ReadJobAsync(admin, jobId);
        }

        return job;
    }

    private static async Task<JsonElement> ReadJobAsync(OrgUser admin, Guid jobId)
    {
        var response = await admin.Client.GetAsync($"{ApiTestKit.OrgPath(admin.OrgId)}/github-sync/jobs/{jobId}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
