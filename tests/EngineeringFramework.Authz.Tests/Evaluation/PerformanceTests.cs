using System.Diagnostics;

namespace EngineeringFramework.Authz.Tests.Evaluation;

/// <summary>
/// Coarse guards against performance regressions on a large store. Limits are looser than the targets
/// (Check median 20 µs, ListObjects of 10,000 objects 20 ms) because tests may run in Debug on a busy machine.
/// </summary>
[Collection(LargeStoreCollection.Name)]
public sealed class PerformanceTests(ITestOutputHelper output)
{
    private const string Model = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user]
        type folder
          relations
            define viewer: [user, group#member]
        type document
          relations
            define parent: [folder]
            define owner: [user]
            define viewer: [user, group#member] or owner or viewer from parent
        """;

    private static readonly Lazy<AuthorizationEngine> Large = new(Build);

    [Fact]
    public void Check_on_a_large_store_takes_microseconds()
    {
        var engine = Large.Value;
        var timings = new double[2000];
        for (var i = 0; i < timings.Length; i++)
        {
            var request = new CheckRequest($"user:u{i % 1000}", "viewer", $"document:d{(i * 7919) % 500_000}");
            var start = Stopwatch.GetTimestamp();
            engine.Check(request);
            timings[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(timings);
        var median = timings[timings.Length / 2];
        output.WriteLine($"Check median {median:F1} µs, p99 {timings[(int)(timings.Length * 0.99)]:F1} µs");
        Assert.True(median < 200, $"median {median:F1} µs");
    }

    [Fact]
    public void List_objects_returns_ten_thousand_objects_quickly()
    {
        var engine = Large.Value;
        engine.ListObjects(new ListObjectsRequest("user:reader", "viewer", "document"));

        var start = Stopwatch.GetTimestamp();
        var objects = engine.ListObjects(new ListObjectsRequest("user:reader", "viewer", "document")).Objects;
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        output.WriteLine($"ListObjects {objects.Count} objects in {elapsed:F1} ms");
        Assert.Equal(10_000, objects.Count);
        Assert.True(elapsed < 200, $"{elapsed:F1} ms");
    }

    // 1,000,000 tuples: documents with owners, folders, group viewers; user:reader sees 10,000 documents via 100 folders.
    private static AuthorizationEngine Build()
    {
        var engine = new AuthorizationEngine(new EngineeringFramework.Authz.Storage.InMemoryTupleStore());
        engine.WriteModel(Model);
        var batch = new List<TupleKey>(100);
        void Add(string obj, string relation, string user)
        {
            batch.Add(new TupleKey(obj, relation, user));
            if (batch.Count == 100)
            {
                engine.Store.Write(batch, [], WriteOptions.Default);
                batch.Clear();
            }
        }

        for (var d = 0; d < 500_000; d++)
        {
            Add($"document:d{d}", "owner", $"user:u{d % 1000}");
            Add($"document:d{d}", d < 10_000 ? "parent" : "viewer", d < 10_000 ? $"folder:f{d / 100}" : $"group:g{d % 200}#member");
        }

        for (var f = 0; f < 100; f++)
        {
            Add($"folder:f{f}", "viewer", "user:reader");
        }

        engine.Store.Write(batch, [], WriteOptions.Default);
        return engine;
    }
}
