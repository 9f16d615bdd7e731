using BenchmarkDotNet.Attributes;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Authz.Storage;
using EngineeringFramework.Core.Authorization;
using FgaServer = EngineeringFramework.OpenFgaTestServer.OpenFgaTestServer;

namespace EngineeringFramework.Benchmarks.OpenFga;

/// <summary>
/// What a permission check costs in remote mode: the same checks on the same tuples of the product's model, answered by
/// the embedded engine in process and by the OpenFGA test server through the remote adapter (HTTP/1.1 over loopback,
/// OpenFGA's JSON, HIGHER_CONSISTENCY as the product sends it). The test server evaluates with the same embedded engine,
/// so the difference between the two is the price of the round trip: client and server JSON, HTTP and the loopback
/// socket, on this machine. A real OpenFGA adds its own evaluation and datastore time on top (not measured here).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[Config(typeof(MedianP95Config))]
public class RemoteCheckBenchmarks
{
    private const int Organizations = 20;
    private const int MembersPerOrganization = 50;
    private const int ProjectsPerOrganization = 50;

    private FgaServer server = null!;
    private HttpClient http = null!;
    private IAuthorizationEngine embedded = null!;
    private IAuthorizationEngine remote = null!;

    // Organization 7's member 3 views its project 12; role assignee 1 (member 1) edits the items of project 12 through
    // the role's grant; a member of organization 8 is refused.
    private readonly CheckRequest memberViews = new(Member(7, 3), "can_view", Project(7, 12));
    private readonly CheckRequest assigneeEdits = new(Member(7, 1), "can_edit_items", Project(7, 12));
    private readonly CheckRequest outsiderViews = new(Member(8, 3), "can_view", Project(7, 12));
    private readonly List<CheckRequest> page = [.. Enumerable.Range(0, 20).Select(p => new CheckRequest(Member(7, 1), "can_edit_items", Project(7, p)))];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        http.Dispose();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<bool> Embedded_check() => (await embedded.CheckAsync(assigneeEdits)).Allowed;

    [Benchmark]
    public async ValueTask<bool> Remote_check() => (await remote.CheckAsync(assigneeEdits)).Allowed;

    [Benchmark]
    public async ValueTask<bool> Remote_check_denied() => (await remote.CheckAsync(outsiderViews)).Allowed;

    [Benchmark]
    public async ValueTask<int> Embedded_batch_check_20() => (await embedded.BatchCheckAsync(page)).Count(r => r.Allowed);

    [Benchmark]
    public async ValueTask<int> Remote_batch_check_20() => (await remote.BatchCheckAsync(page)).Count(r => r.Allowed);

    private async Task SetupAsync()
    {
        var model = DslParser.ParseAndValidate(ProductModel.Dsl);
        var tuples = Tuples();

        var local = new AuthorizationEngine(new InMemoryTupleStore());
        await local.WriteModelAsync(model);
        embedded = local;

        server = await FgaServer.StartAsync();
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        var store = await new OpenFgaStores(http, server.BaseUrl).CreateAsync("bench");
        remote = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = server.BaseUrl, StoreId = store.Id, Consistency = "HIGHER_CONSISTENCY" });
        await remote.WriteModelAsync(model);

        foreach (var batch in tuples.Chunk(AuthorizationEngine.MaxTuplesPerWrite))
        {
            var write = new WriteRequest { Writes = batch };
            await local.WriteAsync(write);
            await remote.WriteAsync(write);
        }

        // Both engines must give the answers the benchmark names, or it measures the wrong thing.
        foreach (var engine in new[] { embedded, remote })
        {
            Expect((await engine.CheckAsync(memberViews)).Allowed, "a member views the project");
            Expect((await engine.CheckAsync(assigneeEdits)).Allowed, "a role assignee edits the items");
            Expect(!(await engine.CheckAsync(outsiderViews)).Allowed, "another organization's member is refused");
            var allowed = (await engine.BatchCheckAsync(page)).Count(r => r.Allowed);
            Expect(allowed == 18, $"18 of 20 projects editable (2 archived), got {allowed}");
        }
    }

    /// <summary>
    /// Organizations shaped as the product writes them: an admin, members, three roles (five assignees each) granted
    /// checklist updates, five departments, projects in them with every tenth archived. 3,660 tuples.
    /// </summary>
    private static List<TupleKey> Tuples()
    {
        var tuples = new List<TupleKey>();
        for (var o = 0; o < Organizations; o++)
        {
            var organization = $"organization:o{o}";
            tuples.Add(new(organization, "system", "system:root"));
            tuples.Add(new(organization, "admin", $"user:admin{o}"));
            for (var m = 0; m < MembersPerOrganization; m++)
            {
                tuples.Add(new(organization, "member", Member(o, m)));
            }

            for (var r = 0; r < 3; r++)
            {
                var role = $"role:o{o}r{r}";
                tuples.Add(new(role, "organization", organization));
                tuples.Add(new(organization, "can_update_checklist", role + "#active_assignee"));
                for (var a = 0; a < 5; a++)
                {
                    tuples.Add(new(role, "assignee", Member(o, (r * 5) + a + 1)));
                }
            }

            for (var d = 0; d < 5; d++)
            {
                tuples.Add(new($"department:o{o}d{d}", "organization", organization));
            }

            for (var p = 0; p < ProjectsPerOrganization; p++)
            {
                tuples.Add(new(Project(o, p), "organization", organization));
                tuples.Add(new(Project(o, p), "department", $"department:o{o}d{p % 5}"));
                if (p % 10 == 9)
                {
                    tuples.Add(new(Project(o, p), "archived", "user:*"));
                }
            }
        }

        return tuples;
    }

    private static string Member(int organization, int member) => $"user:o{organization}m{member}";

    private static string Project(int organization, int project) => $"project:o{organization}p{project}";

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("benchmark data is not as expected: " + what);
        }
    }
}
