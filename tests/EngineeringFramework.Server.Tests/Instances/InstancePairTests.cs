using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Data.Signals;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Instances;

/// <summary>
/// What one instance changes, the other honours on its very next request: data, MCP grants (asked of the authorizer on
/// every request) and token verdicts (forgotten when the other instance's signal arrives over PostgreSQL NOTIFY).
/// Embedded authorization engine: each instance follows the database's outbox before its first check of a request.
/// </summary>
public sealed class InstancePairTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_project_created_on_one_instance_reads_at_once_on_the_other()
    {
        await using var pair = await InstancePair.StartAsync();

        var (orgId, projectId) = await InstancePair.CreateProjectAsync(pair.A, "ada", Cancel);

        using var read = await pair.B.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Mcp_access_revoked_on_one_instance_is_refused_on_the_others_next_call()
    {
        await using var pair = await InstancePair.StartAsync();
        var orgId = await OnboardAsync(pair.A, "ada");
        var ada = await UserIdAsync(pair.A, "ada");
        await using (var scope = pair.A.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(ada, Surface.Api), orgId, new GrantMcpAccessRequest(ada), Cancel);
        }

        var token = pair.B.MintToken("ada", "ada@example.com", pair.B.App.Services.GetRequiredService<Audiences>().Mcp);
        Assert.Equal(HttpStatusCode.OK, await McpCalls.InitializeAsync(pair.B, token));

        await using (var scope = pair.A.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().RevokeAsync(new Caller(ada, Surface.Api), orgId, ada, Cancel);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await McpCalls.InitializeAsync(pair.B, token));
    }

    [Fact]
    public async Task An_account_deleted_on_one_instance_has_its_tokens_refused_by_the_other_once_it_hears_the_signal()
    {
        await using var pair = await InstancePair.StartAsync();
        var listener = pair.B.App.Services.GetRequiredService<ClusterSignalListener>();
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        await OnboardAsync(pair.A, "ada");
        var ben = pair.B.ApiClientFor("ben");
        using (var before = await ben.GetAsync("/api/v1/me", Cancel))
        {
            // B now remembers that ben's tokens stand (for up to GrantStanding.Recheck, unless told otherwise).
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Other signals (ada's onboarding on A) may still be on their way: wait for the one this deletion sends.
        var heard = listener.WhenHeard(signal => signal.Kind == CacheSignalKind.Grants);
        await using (var scope = pair.A.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountRemoval>().RemoveAsync("ben", Surface.System, Cancel);
        }

        await heard.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        using var after = await ben.GetAsync("/api/v1/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private static async Task<Guid> OnboardAsync(TestApp app, string subject)
    {
        using var response = await app.ApiClientFor(subject).PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> UserIdAsync(TestApp app, string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
    }
}
