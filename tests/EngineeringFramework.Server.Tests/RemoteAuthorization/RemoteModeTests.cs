using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Authz;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.RemoteAuthorization;

/// <summary>
/// Remote authorization mode end to end: OpenFGA decides, the database's outbox feeds it in commit order, and when it
/// cannot answer the product says so (503) instead of guessing.
/// </summary>
public sealed class RemoteModeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_in_remote_mode_creates_an_organization_and_project_and_reads_them()
    {
        await using var remote = await RemoteMode.StartAsync();

        var (orgId, projectId) = await OnboardWithProjectAsync(remote.App, "ada");
        using var read = await remote.App.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // OpenFGA answered: the embedded engine is not even built in this mode.
        Assert.Null(remote.App.App.Services.GetService<EmbeddedRelationshipEngine>());
        Assert.Equal(0, await remote.UndeliveredAsync());
    }

    [Fact]
    public async Task Another_user_gets_404_for_the_project_in_remote_mode()
    {
        await using var remote = await RemoteMode.StartAsync();
        var (orgId, projectId) = await OnboardWithProjectAsync(remote.App, "ada");
        await OnboardAsync(remote.App, "eve");

        using var read = await remote.App.ApiClientFor("eve").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task OpenFGA_holds_exactly_the_database_tuples_after_a_series_of_writes_and_deletes()
    {
        await using var remote = await RemoteMode.StartAsync();
        var (orgId, projectId) = await OnboardWithProjectAsync(remote.App, "ada");
        var ada = await UserIdAsync(remote.App, "ada");
        var api = remote.App.ApiClientFor("ada");
        using (var second = await api.PostAsJsonAsync($"/api/v1/organizations/{orgId}/departments", new { name = "Data" }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        using (var deleted = await api.DeleteAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {deleted.StatusCode}");
        }

        // The same tuple written, deleted and written again: delivered in order, it ends up present.
        await GrantMcpAsync(remote.App, ada, orgId);
        await RevokeMcpAsync(remote.App, ada, orgId);
        await GrantMcpAsync(remote.App, ada, orgId);
        Assert.Equal(DeliveryOutcome.Drained, await remote.DeliverAsync());

        var database = await remote.DatabaseTuplesAsync();
        Assert.Contains(database, t => t.Relation == "granted" && t.User == Fga.User(ada));
        Assert.DoesNotContain(database, t => t.Object == Fga.Project(projectId));
        Assert.Equal(database.OrderBy(t => t.ToString()), (await remote.OpenFgaTuplesAsync()).OrderBy(t => t.ToString()));
        Assert.Equal(0, await remote.UndeliveredAsync());
    }

    [Fact]
    public async Task A_revoked_mcp_grant_is_refused_on_the_next_call()
    {
        await using var remote = await RemoteMode.StartAsync();
        var orgId = await OnboardAsync(remote.App, "ada");
        var ada = await UserIdAsync(remote.App, "ada");
        await GrantMcpAsync(remote.App, ada, orgId);
        var token = remote.App.MintToken("ada", "ada@example.com", remote.App.App.Services.GetRequiredService<Audiences>().Mcp);
        using (var before = await McpCalls.SendInitializeAsync(remote.App, token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await RevokeMcpAsync(remote.App, ada, orgId);

        // No delivery in between but the request's own: read-your-writes makes the revocation hold at once.
        using var after = await McpCalls.SendInitializeAsync(remote.App, token);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task With_OpenFGA_stopped_every_surface_answers_503_with_retry_after_and_grants_nothing_then_recovers_with_nothing_lost()
    {
        await using var remote = await RemoteMode.StartAsync();
        var (orgId, projectId) = await OnboardWithProjectAsync(remote.App, "ada");
        var ada = await UserIdAsync(remote.App, "ada");
        await GrantMcpAsync(remote.App, ada, orgId);
        var token = remote.App.MintToken("ada", "ada@example.com", remote.App.App.Services.GetRequiredService<Audiences>().Mcp);

        // A change committed just before the outage, never delivered, and one committed during it.
        await RevokeMcpAsync(remote.App, ada, orgId);
        await remote.OpenFga.StopAsync(Cancel);
        await remote.ChangeAsync(w =>
        {
            w.Write(orgId, Fga.Organization(orgId), "member", Fga.User(Guid.CreateVersion7()));
            return Task.CompletedTask;
        });

        using (var rest = await remote.App.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            Assert.NotNull(rest.Headers.RetryAfter);
            Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, (await rest.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetInt32());
        }

        using (var mcp = await McpCalls.SendInitializeAsync(remote.App, token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, mcp.StatusCode);
            Assert.NotNull(mcp.Headers.RetryAfter);
        }

        using (var ready = await remote.App.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel))
        {
            var body = await ready.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(2, body.GetProperty("checks").GetProperty("openfga").GetProperty("data").GetProperty("undeliveredTupleChanges").GetInt32());
        }

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(remote.DeliverAsync);
        Assert.Equal(2, await remote.UndeliveredAsync());

        await remote.OpenFga.RestartAsync(Cancel);

        using (var rest = await remote.App.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        }

        using (var mcp = await McpCalls.SendInitializeAsync(remote.App, token))
        {
            // The revocation committed before the outage holds once OpenFGA is back.
            Assert.Equal(HttpStatusCode.Forbidden, mcp.StatusCode);
        }

        using (var ready = await remote.App.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        Assert.Equal(0, await remote.UndeliveredAsync());
        Assert.Equal((await remote.DatabaseTuplesAsync()).OrderBy(t => t.ToString()), (await remote.OpenFgaTuplesAsync()).OrderBy(t => t.ToString()));
    }

    [Fact]
    public async Task A_tuple_OpenFGA_rejects_does_not_block_the_ones_after_it()
    {
        await using var remote = await RemoteMode.StartAsync();
        var orgId = await OnboardAsync(remote.App, "ada");
        var ben = Fga.User(Guid.CreateVersion7());
        await remote.ChangeAsync(w =>
        {
            w.Write(orgId, Fga.Organization(orgId), "no_such_relation", ben);
            w.Write(orgId, Fga.Organization(orgId), "member", ben);
            return Task.CompletedTask;
        });

        Assert.Equal(DeliveryOutcome.Drained, await remote.DeliverAsync());

        var inOpenFga = await remote.OpenFgaTuplesAsync();
        Assert.Contains(new TupleKey(Fga.Organization(orgId), "member", ben), inOpenFga);
        Assert.DoesNotContain(new TupleKey(Fga.Organization(orgId), "no_such_relation", ben), inOpenFga);
        Assert.Equal(0, await remote.UndeliveredAsync());
        Assert.Contains(remote.App.Logs.GetSnapshot(), r => r.Message.Contains("no_such_relation", StringComparison.Ordinal) && r.Message.Contains("rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_committed_change_reaches_OpenFGA_at_once_with_no_request_and_no_idle_round()
    {
        // The idle round is an hour away: only the wake-up the commit sends can deliver within the test's deadline.
        await using var remote = await RemoteMode.StartAsync(runWorker: true, idlePoll: TimeSpan.FromHours(1));
        var orgId = Guid.CreateVersion7();
        var ben = Fga.User(Guid.CreateVersion7());

        await remote.ChangeAsync(w =>
        {
            w.Write(orgId, Fga.Organization(orgId), "member", ben);
            return Task.CompletedTask;
        });

        await WaitUntilDeliveredAsync(remote);
        Assert.Contains(new TupleKey(Fga.Organization(orgId), "member", ben), await remote.OpenFgaTuplesAsync());
    }

    [Fact]
    public async Task Changes_committed_while_OpenFGA_was_down_are_delivered_by_the_worker_when_it_is_back_with_no_request()
    {
        await using var remote = await RemoteMode.StartAsync(runWorker: true, idlePoll: TimeSpan.FromHours(1));
        await remote.OpenFga.StopAsync(Cancel);
        var orgId = Guid.CreateVersion7();
        var ben = Fga.User(Guid.CreateVersion7());
        await remote.ChangeAsync(w =>
        {
            w.Write(orgId, Fga.Organization(orgId), "member", ben);
            return Task.CompletedTask;
        });
        Assert.True(await remote.UndeliveredAsync() >= 1);

        // No request and no further commit: the worker's retry (with backoff) is what must deliver.
        await remote.OpenFga.RestartAsync(Cancel);
        await WaitUntilDeliveredAsync(remote);
        Assert.Equal(await remote.DatabaseTuplesAsync(), await remote.OpenFgaTuplesAsync());
    }

    [Fact]
    public async Task Pruning_removes_only_changes_delivered_longer_ago_than_the_keeping_time()
    {
        await using var remote = await RemoteMode.StartAsync();
        var orgId = Guid.CreateVersion7();
        string[] users = [Fga.User(Guid.CreateVersion7()), Fga.User(Guid.CreateVersion7()), Fga.User(Guid.CreateVersion7())];
        foreach (var user in users[..2])
        {
            await remote.ChangeAsync(w =>
            {
                w.Write(orgId, Fga.Organization(orgId), "member", user);
                return Task.CompletedTask;
            });
        }

        Assert.Equal(DeliveryOutcome.Drained, await remote.DeliverAsync());
        await using (var scope = remote.App.App.Services.CreateAsyncScope())
        {
            // The first change was acknowledged just over the keeping time ago; the second just under it.
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = DateTime.UtcNow;
            await db.TupleChanges.Where(c => c.User == users[0]).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveredAt, now - TupleDelivery.KeepDelivered - TimeSpan.FromMinutes(1)), Cancel);
            await db.TupleChanges.Where(c => c.User == users[1]).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveredAt, now - TupleDelivery.KeepDelivered + TimeSpan.FromMinutes(1)), Cancel);
        }

        // A third change is committed and not delivered (OpenFGA is down): it is never pruned, however old.
        await remote.OpenFga.StopAsync(Cancel);
        await remote.ChangeAsync(w =>
        {
            w.Write(orgId, Fga.Organization(orgId), "member", users[2]);
            return Task.CompletedTask;
        });

        Assert.Equal(1, await remote.App.App.Services.GetRequiredService<TupleDelivery>().PruneDeliveredAsync(Cancel));

        await using var check = remote.App.App.Services.CreateAsyncScope();
        var left = await check.ServiceProvider.GetRequiredService<AppDbContext>().TupleChanges.Where(c => users.Contains(c.User)).Select(c => c.User).ToListAsync(Cancel);
        Assert.Equal(users[1..].Order(), left.Order());
    }

    /// <summary>Polls the outbox until it is empty; a deadline, not a timing assertion.</summary>
    private static async Task WaitUntilDeliveredAsync(RemoteMode remote)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await remote.UndeliveredAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel);
        }

        Assert.Equal(0, await remote.UndeliveredAsync());
    }

    [Fact]
    public void A_batch_is_cut_before_a_tuple_it_already_holds()
    {
        List<TupleChange> changes =
        [
            Change(1, TupleOperation.Write, "organization:a"),
            Change(2, TupleOperation.Write, "organization:b"),
            Change(3, TupleOperation.Delete, "organization:a"),
            Change(4, TupleOperation.Write, "organization:c"),
        ];

        Assert.Equal([1L, 2L], TupleDelivery.Cut(changes).Select(c => c.Sequence));
    }

    private static TupleChange Change(long sequence, TupleOperation operation, string @object) =>
        new() { Sequence = sequence, Operation = operation, Object = @object, Relation = "member", User = "user:x" };

    private static async Task<Guid> OnboardAsync(TestApp app, string subject)
    {
        using var response = await app.ApiClientFor(subject).PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
    }

    private static async Task<(Guid OrgId, Guid ProjectId)> OnboardWithProjectAsync(TestApp app, string subject)
    {
        var orgId = await OnboardAsync(app, subject);
        var api = app.ApiClientFor(subject);
        using var department = await api.PostAsJsonAsync($"/api/v1/organizations/{orgId}/departments", new { name = "Platform" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, department.StatusCode);
        var departmentId = (await department.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        using var created = await api.PostAsJsonAsync($"/api/v1/organizations/{orgId}/projects", new { name = "Payments", departmentId }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (orgId, (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("project").GetProperty("id").GetGuid());
    }

    private static async Task<Guid> UserIdAsync(TestApp app, string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
    }

    private static async Task GrantMcpAsync(TestApp app, Guid admin, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(admin, Surface.Api), orgId, new GrantMcpAccessRequest(admin), Cancel);
    }

    private static async Task RevokeMcpAsync(TestApp app, Guid admin, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<McpAccessService>().RevokeAsync(new Caller(admin, Surface.Api), orgId, admin, Cancel);
    }
}
