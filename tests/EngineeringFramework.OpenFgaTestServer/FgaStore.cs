using System.Collections.Concurrent;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Model;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>
/// One OpenFGA store: its own engine and tuple store, its models under OpenFGA-style ids (newest last), and the
/// time each tuple was written (the read API reports it).
/// </summary>
internal sealed class FgaStore(string id, string name, DateTimeOffset createdAt, long sequence) : IDisposable
{
    private readonly List<(string Id, string EngineId)> models = [];
    private readonly ConcurrentDictionary<TupleKey, DateTimeOffset> writtenAt = new();

    public string Id { get; } = id;

    public string Name { get; } = name;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Creation order, for listing.</summary>
    public long Sequence { get; } = sequence;

    public DateTimeOffset UpdatedAt { get; private set; } = createdAt;

    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>Serializes writes, so a write and its timestamps change together.</summary>
    public Lock WriteGate { get; } = new();

    public AuthorizationEngine Engine { get; } = new(new InMemoryTupleStore());

    public void MarkDeleted(DateTimeOffset now) => DeletedAt = UpdatedAt = now;

    public string AddModel(AuthorizationModel model, DateTimeOffset now)
    {
        lock (models)
        {
            var engineId = Engine.WriteModel(model);
            var id = Ulid.New(now);
            models.Add((id, engineId));
            return id;
        }
    }

    /// <summary>Models newest first, as OpenFGA lists them.</summary>
    public List<string> ModelIdsNewestFirst()
    {
        lock (models)
        {
            return [.. models.Select(m => m.Id).Reverse()];
        }
    }

    /// <summary>The engine's id for an OpenFGA model id, or for the latest model when <paramref name="modelId"/> is null.</summary>
    public string ResolveModel(string? modelId)
    {
        lock (models)
        {
            if (modelId is null)
            {
                return models.Count > 0 ? models[^1].EngineId : throw FgaStoreRegistry.NoModel(Id, null);
            }

            foreach (var (id, engineId) in models)
            {
                if (id == modelId)
                {
                    return engineId;
                }
            }

            throw FgaStoreRegistry.NoModel(Id, modelId);
        }
    }

    public StoredModel? ReadModel(string modelId)
    {
        lock (models)
        {
            var match = models.FirstOrDefault(m => m.Id == modelId);
            return match.Id is null ? null : Engine.ReadModel(match.EngineId) is { } stored ? new StoredModel(modelId, stored.Model) : null;
        }
    }

    public void Write(WriteRequest request, DateTimeOffset now)
    {
        lock (WriteGate)
        {
            Engine.Write(request);
            foreach (var deleted in request.Deletes)
            {
                writtenAt.TryRemove(deleted, out _);
            }

            foreach (var written in request.Writes)
            {
                writtenAt.TryAdd(written, now);
            }
        }
    }

    public DateTimeOffset WrittenAt(TupleKey key) => writtenAt.GetValueOrDefault(key, CreatedAt);

    public void Dispose() => (Engine.Store as IDisposable)?.Dispose();
}
