using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// The server process stopped under load, as an orchestrator or a power cut would stop it: SIGTERM must drain what is in
/// flight and exit cleanly; SIGKILL may lose what was not acknowledged but never half of a batch. Writers each own five
/// items and save them together (the batch endpoint, all or nothing), stamping every item of a batch with the same note;
/// after the stop, the server is started again on the same database and each group of five must carry one stamp, at
/// least as new as the last batch the writer saw acknowledged.
/// These tests make load on purpose: they run alone, after the parallel part of the suite (<see cref="ProcessFaultsAlone"/>),
/// so the browser journeys' timeouts never meet it.
/// </summary>
[Collection(nameof(ProcessFaultTests))]
public sealed class ProcessFaultTests
{
    private const int Writers = 4;
    private const int GroupSize = 5;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_under_load_drains_in_flight_requests_exits_cleanly_and_keeps_every_acknowledged_batch()
    {
        await using var deployment = await Deployment.StartAsync();
        var run = await LoadUntilSignalAsync(deployment, SigTerm);

        var (exitCode, output, error) = await deployment.Server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{error}");
        Assert.Empty(Failures(output + error));
        // No request got an error answer, and none was cut off: after the listener closed, a new request may only be
        // refused a connection, or find its idle keep-alive connection closed before the server read it (HTTP/1.1's race).
        Assert.Empty(run.Problems(allowed: ["connection refused", "closed before an answer"]));
        // Drained: whatever the server applied, it answered. A batch it took but never answered would be here.
        await deployment.RestartAndCheckBatchesAsync(run, unansweredMayBeApplied: false);
    }

    [Fact]
    public async Task Sigkill_in_the_middle_of_batch_updates_leaves_no_batch_half_applied_and_the_next_process_serves_the_data()
    {
        await using var deployment = await Deployment.StartAsync();
        var run = await LoadUntilSignalAsync(deployment, SigKill);

        var (exitCode, _, _) = await deployment.Server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(128 + SigKill, exitCode);
        Assert.Empty(run.Problems(allowed: ["connection refused", "closed before an answer", "cut off"]));
        await deployment.RestartAndCheckBatchesAsync(run, unansweredMayBeApplied: true);
    }

    /// <summary>
    /// An organization deletion is one transaction (its tuples, then the organization with everything cascading from it).
    /// The test pins the moment: it holds a row lock on one of the organization's checklist items, so the deletion has
    /// removed the tuples and waits inside the cascade when the process is killed. Afterwards every row of every
    /// organization-carrying table is back as it was, the next process serves the organization to its admin (its tuples are
    /// whole), and a second deletion removes all of it. PostgreSQL only: SQLite's commit is atomic by SQLite's own design,
    /// and a writer cannot be held in the middle of its transaction from outside (it takes the write lock at BEGIN).
    /// </summary>
    [Fact]
    public async Task Sigkill_in_the_middle_of_an_organization_deletion_leaves_it_whole_and_a_second_deletion_removes_all_of_it()
    {
        if (TestDatabase.DefaultProvider != Core.Data.DatabaseProvider.Postgres)
        {
            Assert.Skip("PostgreSQL only: a SQLite writer cannot be held in the middle of its transaction from outside (the suite runs on PostgreSQL in CI).");
        }

        await using var deployment = await Deployment.StartAsync();

        var before = await OrganizationRowsAsync(deployment);
        Assert.All(new[] { "Organization", "Membership", "Department", "Project", "ChecklistItem", "RelationshipTuple" }, table => Assert.True(
            before[table] > 0, $"the organization owns no {table}: {string.Join(", ", before.Select(t => $"{t.Key} {t.Value}"))}"));

        await using (var hold = new Npgsql.NpgsqlConnection(deployment.Database.DatabaseUrl))
        {
            await hold.OpenAsync(Cancel);
            await using var holding = await hold.BeginTransactionAsync(Cancel);
            await using (var lockRow = new Npgsql.NpgsqlCommand($"SELECT 1 FROM {ChecklistItemsTable(deployment)} WHERE \"Id\" = @id FOR UPDATE", hold, holding))
            {
                lockRow.Parameters.AddWithValue("id", deployment.Items[0].Id);
                Assert.Equal(1, await lockRow.ExecuteScalarAsync(Cancel));
            }

            using var deletion = new HttpRequestMessage(HttpMethod.Delete, deployment.Organization) { Content = JsonContent.Create(new { confirmName = Deployment.OrganizationName }) };
            var answer = deployment.Api.SendAsync(deletion, Cancel);
            await PollAsync(async () => await ScalarAsync(hold, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1, "the deletion never reached the held row");

            Assert.Equal(0, Kill(deployment.Server.Id, SigKill));
            await Assert.ThrowsAsync<HttpRequestException>(() => answer);
            await holding.RollbackAsync(Cancel);
            // The killed process's session finds its client gone once it may go on, and rolls back; wait until it has.
            await PollAsync(async () => await ScalarAsync(hold, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") == 0, "the killed process's sessions never ended");
        }

        Assert.Equal(before, await OrganizationRowsAsync(deployment));
        await deployment.RestartAsync();
        using (var read = await deployment.Api.GetAsync(new Uri(deployment.Checklist, UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var again = new HttpRequestMessage(HttpMethod.Delete, deployment.Organization) { Content = JsonContent.Create(new { confirmName = Deployment.OrganizationName }) };
        using (var deleted = await deployment.Api.SendAsync(again, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.All(await OrganizationRowsAsync(deployment), table => Assert.True(table.Value == 0, $"{table.Key}: {table.Value} rows left"));
    }

    /// <summary>How many rows of each table with an organization column belong to the deployment's organization, read from the EF model.</summary>
    private static async Task<Dictionary<string, int>> OrganizationRowsAsync(Deployment deployment)
    {
        await using var db = deployment.Database.CreateContext(organizationId: null);
        var counts = new Dictionary<string, int>();
        foreach (var type in db.Model.GetEntityTypes().Where(t => t.FindProperty("OrganizationId") is not null && t.GetTableName() is not null))
        {
            counts[type.ClrType.Name] = await CountAsync(db, type, "OrganizationId", deployment.OrganizationId);
        }

        counts["Organization"] = await CountAsync(db, db.Model.FindEntityType(typeof(Core.Organizations.Organization))!, "Id", deployment.OrganizationId);
        return counts;
    }

    /// <summary>Rows of the entity's table whose column holds the id (table and column names come from the model, delimited).</summary>
    private static async Task<int> CountAsync(DbContext db, Microsoft.EntityFrameworkCore.Metadata.IEntityType type, string property, Guid id)
    {
        var query = "SELECT CAST(count(*) AS integer) AS \"Value\" FROM " + Delimited(db, type.GetTableName()!) + " WHERE " + Delimited(db, type.FindProperty(property)!.GetColumnName()) + " = {0}";
        return await db.Database.SqlQueryRaw<int>(query, id).SingleAsync(Cancel);
    }

    private static string ChecklistItemsTable(Deployment deployment)
    {
        using var db = deployment.Database.CreateContext(organizationId: null);
        return Delimited(db, db.Model.FindEntityType(typeof(Core.Checklists.ChecklistItem))!.GetTableName()!);
    }

    /// <summary>A table or column name from the model, quoted as the provider quotes it.</summary>
    private static string Delimited(DbContext db, string name) => db.GetService<Microsoft.EntityFrameworkCore.Storage.ISqlGenerationHelper>().DelimitIdentifier(name);

    private static async Task<long> ScalarAsync(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    /// <summary>Asks again until the condition holds; the assertion is "within 60 s", not a fixed wait.</summary>
    private static async Task PollAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(TimeSpan.FromMilliseconds(50), Cancel);
        }
    }

    /// <summary>Writers and readers run until the writers have had 20 batches acknowledged, then the signal goes out mid-stream.</summary>
    private static async Task<LoadRun> LoadUntilSignalAsync(Deployment deployment, int signal)
    {
        var run = new LoadRun();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var group = deployment.Items.Skip(w * GroupSize).Take(GroupSize).ToArray();
            for (var batch = 1; !stop.IsCancellationRequested; batch++)
            {
                run.LastSent[w] = batch;
                var body = new { items = group.Select(i => new { itemId = i.Id, version = i.Version, status = "InProgress", notes = Stamp(w, batch) }) };
                var outcome = await run.SendAsync(() => deployment.Api.PostAsJsonAsync($"{deployment.Checklist}/batch", body, stop.Token));
                if (outcome is not { Status: 200 } ok)
                {
                    return;
                }

                var versions = ok.Body.EnumerateArray().ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.GetProperty("version").GetInt64());
                group = [.. group.Select(i => i with { Version = versions[i.Id] })];
                run.LastAcknowledged[w] = batch;
                if (Interlocked.Increment(ref run.Acknowledged) == 20)
                {
                    enough.TrySetResult();
                }
            }
        }, Cancel)).ToArray();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && await run.SendAsync(() => deployment.Api.GetAsync(new Uri(deployment.Checklist, UriKind.Relative), stop.Token)) is { Status: 200 })
            {
            }
        }, Cancel)).ToArray();

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(120), Cancel);
        Assert.Equal(0, Kill(deployment.Server.Id, signal));
        await Task.WhenAll(writers.Concat(readers)).WaitAsync(TimeSpan.FromSeconds(90), Cancel);
        await stop.CancelAsync();
        return run;
    }

    /// <summary>
    /// The errors the process logged (console format: "fail: Category[id]" then the message), except EF Core's probe of a
    /// migrations history table that does not exist yet, which a first start on an empty PostgreSQL database logs as an error.
    /// </summary>
    private static List<string> Failures(string log)
    {
        var lines = log.Split('\n');
        return [.. lines.Select((line, i) => (line, next: string.Join(' ', lines.Skip(i + 1).Take(3))))
            .Where(l => l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
            .Where(l => !l.next.Contains("__EFMigrationsHistory", StringComparison.Ordinal))
            .Select(l => l.line + " " + l.next)];
    }

    private static string Stamp(int writer, int batch) => $"writer {writer} batch {batch}";

    /// <summary>Sends a POSIX signal with kill(1), as an operator or an orchestrator would; answers its exit code.</summary>
    private static int Kill(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    private sealed record Item(Guid Id, long Version);

    private sealed record Outcome(int? Status, JsonElement Body, string? Failure);

    private sealed class LoadRun
    {
        public readonly int[] LastSent = new int[Writers];

        public readonly int[] LastAcknowledged = new int[Writers];

        public int Acknowledged;

        public ConcurrentBag<Outcome> Outcomes { get; } = [];

        /// <summary>Server errors, and failures of the connection other than the kinds allowed.</summary>
        public List<string> Problems(string[] allowed) => [.. Outcomes
            .Where(o => o.Status is >= 500 || (o.Status is null && !allowed.Any(a => o.Failure!.StartsWith(a, StringComparison.Ordinal))))
            .Select(o => o.Status is { } status ? $"HTTP {status}: {o.Failure}" : o.Failure!)];

        /// <summary>One request; its answer, or how the connection failed (the process is going away).</summary>
        public async Task<Outcome> SendAsync(Func<Task<HttpResponseMessage>> send)
        {
            Outcome outcome;
            try
            {
                using var response = await send();
                var text = await response.Content.ReadAsStringAsync(Cancel);
                outcome = new Outcome((int)response.StatusCode, response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : default, response.IsSuccessStatusCode ? null : text);
            }
            catch (HttpRequestException e)
            {
                outcome = new Outcome(null, default, e switch
                {
                    { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection refused",
                    { HttpRequestError: HttpRequestError.ResponseEnded } => "closed before an answer",
                    _ => "cut off: " + e.Message + " " + e.InnerException?.Message,
                });
            }

            Outcomes.Add(outcome);
            return outcome;
        }
    }

    /// <summary>A server process on a throw-away database and data folder, with an organization, a project and its items.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private readonly TestDatabase database;
        private readonly string dataDirectory;
        private readonly Dictionary<string, string?> environment;
        private readonly string baseAddress;

        private Deployment(TestDatabase database, string dataDirectory, Dictionary<string, string?> environment, string baseAddress)
        {
            this.database = database;
            this.dataDirectory = dataDirectory;
            this.environment = environment;
            this.baseAddress = baseAddress;
        }

        public const string OrganizationName = "Faults";

        public TestDatabase Database => database;

        public ServerProcess Server { get; private set; } = null!;

        public Guid OrganizationId { get; private set; }

        /// <summary>The organization's address on the API.</summary>
        public string Organization => $"/api/v1/organizations/{OrganizationId}";

        public HttpClient Api { get; private set; } = null!;

        public string Checklist { get; private set; } = string.Empty;

        public IReadOnlyList<Item> Items { get; private set; } = [];

        public static async Task<Deployment> StartAsync()
        {
            var database = await TestDatabase.CreateAsync(migrate: false);
            var dataDirectory = Directory.CreateTempSubdirectory("ef-fault-").FullName;
            var baseAddress = ServerProcess.FreeLoopbackAddress();
            var environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DATA_DIR"] = dataDirectory,
                ["DATABASE_URL"] = database.DatabaseUrl,
                ["PUBLIC_URL"] = baseAddress,
                ["MIGRATE_ON_START"] = "true",
                // Nothing reads the process's output until it exits: keep it small.
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimiting__PermitLimit"] = "1000000",
            };
            var deployment = new Deployment(database, dataDirectory, environment, baseAddress);
            await deployment.StartServerAsync();
            var created = await AdminProcess.RunAsync(environment, "Fault-Passw0rd!\n", "create-user", "--email", "ops@example.com", "--password-stdin");
            Assert.True(created.ExitCode == 0, created.Error);
            var token = await AdminProcess.RunAsync(environment, null, "token", "--email", "ops@example.com", "--audience", baseAddress + "/api");
            Assert.True(token.ExitCode == 0, token.Error);
            deployment.Api = new HttpClient { BaseAddress = new Uri(baseAddress) };
            deployment.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Output.Trim());

            var org = await deployment.PostAsync("/api/v1/organizations", new { name = OrganizationName });
            deployment.OrganizationId = org.GetProperty("id").GetGuid();
            var departmentId = (await deployment.PostAsync($"/api/v1/organizations/{org.GetProperty("id")}/departments", new { name = "Platform" })).GetProperty("id").GetGuid();
            var project = await deployment.PostAsync($"/api/v1/organizations/{org.GetProperty("id")}/projects", new { name = "Payments", departmentId });
            deployment.Checklist = $"/api/v1/organizations/{org.GetProperty("id")}/projects/{project.GetProperty("project").GetProperty("id")}/checklist";
            deployment.Items = [.. ApiTestKit.ChecklistItems(await deployment.Api.GetFromJsonAsync<JsonElement>(deployment.Checklist, Cancel)).Select(i => new Item(i.GetProperty("id").GetGuid(), i.GetProperty("version").GetInt64()))];
            Assert.True(deployment.Items.Count >= Writers * GroupSize, $"the built-in framework gives {deployment.Items.Count} items");
            return deployment;
        }

        /// <summary>
        /// A new process on the same database and data folder; every writer's five items carry one batch's stamp: the last
        /// acknowledged, or (when <paramref name="unansweredMayBeApplied"/>, after a crash) the one sent after it.
        /// </summary>
        public async Task RestartAndCheckBatchesAsync(LoadRun run, bool unansweredMayBeApplied)
        {
            await RestartAsync();
            var items = ApiTestKit.ChecklistItems(await Api.GetFromJsonAsync<JsonElement>(Checklist, Cancel)).ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.GetProperty("notes").GetString());
            for (var w = 0; w < Writers; w++)
            {
                var stamps = Items.Skip(w * GroupSize).Take(GroupSize).Select(i => items[i.Id]).Distinct().ToList();
                var stamp = Assert.Single(stamps);
                var batch = int.Parse(stamp!.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(batch, run.LastAcknowledged[w], unansweredMayBeApplied ? run.LastSent[w] : run.LastAcknowledged[w]);
            }
        }

        /// <summary>A new process on the same database and data folder.</summary>
        public async Task RestartAsync()
        {
            Server.Dispose();
            await StartServerAsync();
        }

        private async Task StartServerAsync() => Server = await ServerProcess.StartHealthyAsync(environment, baseAddress);

        private async Task<JsonElement> PostAsync(string path, object body)
        {
            using var response = await Api.PostAsJsonAsync(path, body, Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
            return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        }

        public async ValueTask DisposeAsync()
        {
            Api?.Dispose();
            Server?.Dispose();
            await database.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

/// <summary>Runs <see cref="ProcessFaultTests"/> with nothing beside them.</summary>
[CollectionDefinition(nameof(ProcessFaultTests), DisableParallelization = true)]
public sealed class ProcessFaultsAlone;
