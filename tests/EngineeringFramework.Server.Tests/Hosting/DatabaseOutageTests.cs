using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped and started under a running server. The test owns its cluster (a second throw-away one made by
/// <c>.ci/start-postgres.sh</c> in its own folder and port), so stopping it touches no other test. Runs in the
/// PostgreSQL pass (<c>EF_TEST_DATABASE=postgres</c>), where CI has the server binaries.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_restart_is_answered_503_while_down_and_costs_no_request_once_it_is_back()
    {
        await using var cluster = await OwnCluster.StartAsync();
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["DATABASE_URL"] = cluster.ConnectionString });
        using var ada = app.ApiClientFor("ada");
        var org = await CreateAsync(ada, "/api/v1/organizations", new { name = "Before the outage" });
        var department = await CreateAsync(ada, $"/api/v1/organizations/{org}/departments", new { name = "Platform" });
        // Several requests at once, so the pool holds several connections that the restart will kill.
        await AllSucceedAsync(ada, Enumerable.Repeat($"/api/v1/organizations/{org}/departments/{department}", 8));

        // Down and back up with no request in between: every pooled connection is dead, and the first requests must not notice.
        await cluster.StopAsync();
        await cluster.ResumeAsync();
        await AllSucceedAsync(ada, Enumerable.Repeat($"/api/v1/organizations/{org}/departments/{department}", 8));
        var renamed = await ada.PutAsJsonAsync($"/api/v1/organizations/{org}/departments/{department}", new { name = "Platform and tools" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        // Down: reads and writes are refused as "try again later", readiness fails, and nothing is half-written.
        await cluster.StopAsync();
        var read = await ada.GetAsync(new Uri($"/api/v1/organizations/{org}/departments", UriKind.Relative), Cancel);
        var write = await ada.PostAsJsonAsync($"/api/v1/organizations/{org}/departments", new { name = "Made while down" }, Cancel);
        var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
        foreach (var refused in new[] { read, write })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // Back: the first requests succeed, and the data is what was committed, nothing of the refused write.
        await cluster.ResumeAsync();
        await AllSucceedAsync(ada, [$"/api/v1/organizations/{org}/departments", .. Enumerable.Repeat($"/api/v1/organizations/{org}/departments/{department}", 7)]);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel)).StatusCode);
        var departments = await ada.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{org}/departments", Cancel);
        Assert.Equal(["Platform and tools"], departments.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    private static async Task<Guid> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
    }

    private static async Task AllSucceedAsync(HttpClient client, IEnumerable<string> paths)
    {
        var responses = await Task.WhenAll(paths.Select(path => client.GetAsync(new Uri(path, UriKind.Relative), Cancel)));
        var failed = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", await Task.WhenAll(failed.Select(async r => $"{r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Cancel)}"))));
    }

    /// <summary>A PostgreSQL cluster of this test alone, through the same script CI uses for the shared one.</summary>
    private sealed class OwnCluster : IAsyncDisposable
    {
        private readonly Dictionary<string, string> environment;

        private OwnCluster(Dictionary<string, string> environment, string connectionString)
        {
            this.environment = environment;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<OwnCluster> StartAsync()
        {
            if (TestDatabase.DefaultProvider != DatabaseProvider.Postgres)
            {
                Assert.Skip("Runs in the PostgreSQL pass (EF_TEST_DATABASE=postgres), which has the PostgreSQL server binaries.");
            }

            var environment = new Dictionary<string, string>
            {
                ["EF_PG_DIR"] = Path.Combine(Path.GetTempPath(), $"ef-pg-outage-{Guid.NewGuid():N}"),
                ["EF_PG_PORT"] = (56000 + Random.Shared.Next(2000)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var server = await RunAsync(environment, "start");
            return new OwnCluster(environment, server.Replace("Database=postgres", "Database=outage", StringComparison.Ordinal) + ";Timeout=3");
        }

        public Task StopAsync() => RunAsync(environment, "stop");

        public Task ResumeAsync() => RunAsync(environment, "resume");

        public async ValueTask DisposeAsync()
        {
            try
            {
                await StopAsync();
            }
            finally
            {
                Directory.Delete(environment["EF_PG_DIR"], recursive: true);
            }
        }

        private static async Task<string> RunAsync(Dictionary<string, string> environment, string command)
        {
            var start = new ProcessStartInfo("bash", [Repository.InRepository(".ci", "start-postgres.sh"), command])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Cancel);
            var errors = process.StandardError.ReadToEndAsync(Cancel);
            await process.WaitForExitAsync(Cancel);
            Assert.True(process.ExitCode == 0, $".ci/start-postgres.sh {command} failed: {await errors}");
            return (await output).Trim();
        }
    }
}
