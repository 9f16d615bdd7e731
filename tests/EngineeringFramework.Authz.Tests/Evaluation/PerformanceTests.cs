namespace EngineeringFramework.Authz.Tests.Evaluation;

/// <summary>
/// Correctness at scale: a million-tuple store answers exactly. Speed is measured by the BenchmarkDotNet
/// suite in bench/ (timed assertions in unit tests are flaky on shared machines and prove nothing).
/// </summary>
[Collection(LargeStoreCollection.Name)]
public sealed class PerformanceTests
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
    public void List_objects_on_a_million_tuple_store_returns_exactly_the_ten_thousand_visible_documents()
    {
        var engine = Large.Value;

        var objects = engine.ListObjects(new ListObjectsRequest("user:reader", "viewer", "document")).Objects;

        Assert.Equal(10_000, objects.Count);
        Assert.Equal(10_000, objects.Distinct(StringComparer.Ordinal).Count());
        Assert.True(engine.Check(new CheckRequest("user:reader", "viewer", objects[^1])).Allowed);
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
