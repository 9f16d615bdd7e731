using System.Collections.Concurrent;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>Every store of the server. It outlives a stop and restart of the listener, as a database would.</summary>
internal sealed class FgaStoreRegistry(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, FgaStore> stores = new(StringComparer.Ordinal);
    private long created;

    public DateTimeOffset Now => time.GetUtcNow();

    public FgaStore Create(string name)
    {
        var store = new FgaStore(Ulid.New(Now), name, Now, Interlocked.Increment(ref created));
        stores[store.Id] = store;
        return store;
    }

    /// <summary>The live store with this id; a missing or deleted one answers 404 <c>store_id_not_found</c>.</summary>
    public FgaStore Get(string id) =>
        stores.TryGetValue(id, out var store) && store.DeletedAt is null ? store : throw FgaError.StoreNotFound();

    /// <summary>The live store with this id, or null.</summary>
    public FgaStore? Find(string id) => stores.TryGetValue(id, out var store) && store.DeletedAt is null ? store : null;

    /// <summary>
    /// What OpenFGA answers a query or write on a store it does not have: it looks for the model first and finds none.
    /// </summary>
    public static FgaError NoModel(string storeId, string? modelId) =>
        modelId is null
            ? new FgaError(400, "latest_authorization_model_not_found", $"No authorization models found for store '{storeId}'")
            : new FgaError(400, "authorization_model_not_found", $"Authorization Model '{modelId}' not found");

    /// <summary>Live stores in the order they were created.</summary>
    public List<FgaStore> Live() => [.. stores.Values.Where(s => s.DeletedAt is null).OrderBy(s => s.Sequence)];

    public void Dispose()
    {
        foreach (var store in stores.Values)
        {
            store.Dispose();
        }
    }
}
