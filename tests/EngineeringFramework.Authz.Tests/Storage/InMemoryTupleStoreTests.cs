using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Tests.Storage;

[Collection(LargeStoreCollection.Name)]
public sealed class InMemoryTupleStoreTests(ITestOutputHelper output)
{
    private static readonly TupleKey Anne = new("document:1", "viewer", "user:anne");
    private static readonly TupleKey Group = new("document:1", "viewer", "group:eng#member");

    [Fact]
    public void Stored_tuples_are_found_forwards_and_backwards()
    {
        using var store = new InMemoryTupleStore();
        store.Write([Anne, Group], [], WriteOptions.Default);

        var users = new List<TupleUser>();
        store.ReadUsers("document", "1", "viewer", users);
        var ofType = new List<TupleUser>();
        store.ReadUsersOfType("document", "1", "viewer", "group", ofType);
        var objects = new List<string>();
        store.ReadObjects("document", "viewer", new TupleUser("group", "eng", "member"), objects);

        Assert.Equal(2, users.Count);
        Assert.Equal([new TupleUser("group", "eng", "member")], ofType);
        Assert.Equal(["1"], objects);
        Assert.True(store.Contains("document", "1", "viewer", new TupleUser("user", "anne", null)));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Writing_an_existing_tuple_is_rejected_unless_ignored()
    {
        using var store = new InMemoryTupleStore();
        store.Write([Anne], [], WriteOptions.Default);

        var ex = Assert.Throws<AuthzException>(() => store.Write([Anne], [], WriteOptions.Default));
        store.Write([Anne], [], new WriteOptions(IgnoreDuplicateWrites: true));

        Assert.Equal(AuthzErrorCode.WriteFailedDueToInvalidInput, ex.Code);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Deleting_a_missing_tuple_is_rejected_unless_ignored()
    {
        using var store = new InMemoryTupleStore();

        Assert.Throws<AuthzException>(() => store.Write([], [Anne], WriteOptions.Default));
        store.Write([], [Anne], new WriteOptions(IgnoreMissingDeletes: true));
    }

    [Fact]
    public void A_rejected_write_changes_nothing()
    {
        using var store = new InMemoryTupleStore();
        store.Write([Anne], [], WriteOptions.Default);

        Assert.Throws<AuthzException>(() => store.Write([Group, Anne], [], WriteOptions.Default));

        Assert.Equal(1, store.Count);
        Assert.False(store.Contains("document", "1", "viewer", new TupleUser("group", "eng", "member")));
    }

    [Fact]
    public void Deleted_tuples_disappear_from_both_indexes()
    {
        using var store = new InMemoryTupleStore();
        store.Write([Anne, Group], [], WriteOptions.Default);

        store.Write([], [Anne], WriteOptions.Default);

        var objects = new List<string>();
        store.ReadObjects("document", "viewer", new TupleUser("user", "anne", null), objects);
        Assert.Empty(objects);
        Assert.Equal([Group], store.Read(new ReadRequest(Object: "document:1")));
    }

    [Fact]
    public async Task Reads_run_safely_while_writes_happen()
    {
        using var store = new InMemoryTupleStore();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                store.Write([new TupleKey($"document:{i % 50}", "viewer", $"user:u{i}")], [], WriteOptions.Default);
            }
        }, TestContext.Current.CancellationToken);
        var reads = 0;
        while (!writer.IsCompleted)
        {
            var users = new List<TupleUser>();
            store.ReadUsers("document", "7", "viewer", users);
            reads++;
        }

        await writer;
        Assert.Equal(2000, store.Count);
        Assert.True(reads > 0);
    }

    [Fact]
    public void A_large_store_uses_under_256_bytes_per_tuple()
    {
        const int count = 1_000_000;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var store = new InMemoryTupleStore();
        var batch = new List<TupleKey>(100);
        for (var i = 0; i < count; i++)
        {
            batch.Add(new TupleKey($"document:doc-{i}", i % 2 == 0 ? "viewer" : "editor", $"user:user-{i % 20_000}"));
            if (batch.Count == 100)
            {
                store.Write(batch, [], WriteOptions.Default);
                batch.Clear();
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perTuple = (after - before) / (double)count;

        output.WriteLine($"{perTuple:F0} bytes per tuple");
        Assert.True(perTuple < 256, $"{perTuple:F0} bytes per tuple");
        GC.KeepAlive(store);
    }
}
