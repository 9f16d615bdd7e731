using System.Diagnostics;
using System.Globalization;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using FgaServer = EngineeringFramework.OpenFgaTestServer.OpenFgaTestServer;

namespace EngineeringFramework.Benchmarks.OpenFga;

/// <summary>
/// How long a permission change takes to reach OpenFGA under a steady write load (a console probe, not BenchmarkDotNet:
/// the figure is a latency distribution under load, not the cost of one call). The core runs as the server runs it in
/// remote mode (the outbox, the after-commit wake-up, the background deliverer with its lease) against the OpenFGA test
/// server in process; writers commit at a fixed rate (open loop: a slow commit does not slow the schedule), each commit
/// adding two tuples as adding a member does. Lag is read back from the outbox itself: <c>DeliveredAt - At</c>, from the
/// moment the use case staged the change (before its commit) to the moment OpenFGA acknowledged it. Two seconds of the
/// same load go first as a warm-up and are left out.
/// </summary>
/// <remarks>
/// Only the background deliverer delivers here: no request reads, so this is the slowest path a change takes. Under a
/// mixed load a request that checks a permission delivers whatever is waiting first (read your writes).
/// <code>
/// dotnet EngineeringFramework.Benchmarks.dll delivery-lag [--postgres "Host=…;Username=…;Database=postgres"] [--rate 200] [--seconds 20] [--writers 8]
/// </code>
/// With <c>--postgres</c> a throw-away database is created on that server and dropped at the end; without it, SQLite in a
/// temporary folder.
/// </remarks>
internal static class DeliveryLagProbe
{
    public const string Command = "delivery-lag";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Number(args, "--rate", 200);
        var seconds = Number(args, "--seconds", 20);
        var writers = Number(args, "--writers", 8);
        var postgres = Option(args, "--postgres");
        if (rate < 1 || seconds < 1 || writers < 1)
        {
            Console.Error.WriteLine("--rate, --seconds and --writers must be positive.");
            return 1;
        }

        await using var openFga = await FgaServer.StartAsync();
        using var http = new HttpClient();
        var store = await new OpenFgaStores(http, openFga.BaseUrl).CreateAsync("delivery-lag");
        await new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = openFga.BaseUrl, StoreId = store.Id })
            .WriteModelAsync(DslParser.ParseAndValidate(ProductModel.Dsl));

        var dataDirectory = Directory.CreateTempSubdirectory("ef-bench-lag-").FullName;
        var throwAway = postgres is null ? null : await CreateDatabaseAsync(postgres);
        try
        {
            var database = DatabaseConnection.Parse(throwAway, dataDirectory);
            using var host = Build(database, new RemoteEngineOptions { ApiUrl = openFga.BaseUrl, StoreId = store.Id });
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                await db.Database.MigrateAsync();
                if (database.Provider == DatabaseProvider.Sqlite)
                {
                    // As the server's start-up leaves every SQLite database (ServerHost): write-ahead logging.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL");
                }
            }

            await host.StartAsync();
            Console.WriteLine($"delivery-lag: {database.Provider}, {rate} commits/s (2 tuples each) for {seconds} s, {writers} writers, OpenFGA test server in process");
            // Warm-up (JIT, connection pools, the first HTTP connection), drained and left out of the figures.
            await WriteAsync(host.Services, rate, 2, writers);
            await DrainAsync(host.Services);
            var baseline = await LastSequenceAsync(host.Services);
            var commits = await WriteAsync(host.Services, rate, seconds, writers);
            var drained = await DrainAsync(host.Services);
            var lags = await LagsAsync(host.Services, baseline);
            await host.StopAsync();

            Console.WriteLine($"commits: {commits.Count} in {commits.Elapsed.TotalSeconds:F1} s ({commits.Count / commits.Elapsed.TotalSeconds:F0}/s); commit latency p50 {Percentile(commits.LatenciesMs, 50):F1} ms, p99 {Percentile(commits.LatenciesMs, 99):F1} ms");
            Console.WriteLine($"tuple changes delivered: {lags.Count}; drained {drained.TotalMilliseconds:F0} ms after the last commit");
            Console.WriteLine($"delivery lag (staged -> acknowledged by OpenFGA): p50 {Percentile(lags, 50):F1} ms, p90 {Percentile(lags, 90):F1} ms, p99 {Percentile(lags, 99):F1} ms, max {lags.Max():F1} ms");
            return lags.Count == commits.Count * 2 ? 0 : Fail($"expected {commits.Count * 2} delivered changes, found {lags.Count}");
        }
        finally
        {
            if (throwAway is not null)
            {
                await DropDatabaseAsync(postgres!, throwAway);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static IHost Build(DatabaseConnection database, RemoteEngineOptions openFga)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            // A fresh database has no migration history yet: EF logs the failed first look as an error.
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SecretBox(EncryptionKey.Parse(EncryptionKey.Generate())));
        builder.Services.AddEngineeringFrameworkCore(new CoreOptions(database, new Uri("https://ef.bench"))
        {
            RemoteAuthorization = new RemoteAuthorizationOptions(openFga),
        });
        return builder.Build();
    }

    private sealed record Commits(int Count, TimeSpan Elapsed, List<double> LatenciesMs);

    private static async Task<Commits> WriteAsync(IServiceProvider services, int rate, int seconds, int writers)
    {
        var total = rate * seconds;
        var organizations = Enumerable.Range(0, writers).Select(_ => Guid.CreateVersion7()).ToArray();
        var latencies = new List<double>[writers];
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            int k;
            while ((k = Interlocked.Increment(ref next)) < total)
            {
                // Open loop: commit k is due at k / rate seconds, however long the ones before took.
                var due = TimeSpan.FromSeconds((double)k / rate) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due);
                }

                await using var scope = services.CreateAsyncScope();
                var relationships = scope.ServiceProvider.GetRequiredService<RelationshipWriter>();
                var organization = organizations[w];
                relationships.Write(organization, Fga.Organization(organization), "member", Fga.User(Guid.CreateVersion7()));
                relationships.Write(organization, Fga.Role(Guid.CreateVersion7()), "organization", Fga.Organization(organization));
                var commit = Stopwatch.GetTimestamp();
                await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();
                latencies[w].Add(Stopwatch.GetElapsedTime(commit).TotalMilliseconds);
            }
        })));
        return new Commits(total, Stopwatch.GetElapsedTime(started), [.. latencies.SelectMany(l => l)]);
    }

    /// <summary>Waits (bounded) until the outbox is empty; how long that took after the last commit.</summary>
    private static async Task<TimeSpan> DrainAsync(IServiceProvider services)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(2))
        {
            await using var scope = services.CreateAsyncScope();
            if (!await scope.ServiceProvider.GetRequiredService<AppDbContext>().TupleChanges.AnyAsync(c => c.DeliveredAt == null))
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The outbox was not drained within two minutes of the last commit.");
    }

    private static async Task<long> LastSequenceAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().TupleChanges.MaxAsync(c => (long?)c.Sequence) ?? 0;
    }

    private static async Task<List<double>> LagsAsync(IServiceProvider services, long after)
    {
        await using var scope = services.CreateAsyncScope();
        var changes = await scope.ServiceProvider.GetRequiredService<AppDbContext>().TupleChanges.AsNoTracking()
            .Where(c => c.Sequence > after)
            .Select(c => new { c.At, c.DeliveredAt })
            .ToListAsync();
        return [.. changes.Select(c => (c.DeliveredAt!.Value - c.At).TotalMilliseconds).Order()];
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "ef_lag_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string server, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("delivery-lag: " + message);
        return 1;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Number(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
