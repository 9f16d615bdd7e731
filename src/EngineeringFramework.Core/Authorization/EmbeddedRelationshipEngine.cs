using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Storage;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// The embedded engine over the product database: an in-memory mirror of the relationship table that
/// follows the outbox (<see cref="TupleChange"/>) in sequence order. Every request catches up before its
/// first check, so a grant revoked by any server instance is refused on the next request.
/// </summary>
/// <remarks>
/// Sequence order equals commit order because permission changes are serialized: SQLite has one writer,
/// and on PostgreSQL <see cref="AppDbContext"/> takes a transaction-scoped advisory lock before saving
/// tuple changes. Replaying is idempotent (duplicate writes and missing deletes are ignored).
/// </remarks>
public sealed partial class EmbeddedRelationshipEngine : IDisposable
{
    private const int Batch = 100;

    /// <summary>Asked before every request's first check: compiled once, so it costs one small indexed statement.</summary>
    private static readonly PerModel<Func<AppDbContext, long, CancellationToken, Task<bool>>> AnyChangeAfter = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, long sequence, CancellationToken _) => db.TupleChanges.Any(c => c.Sequence > sequence)));

    private readonly InMemoryTupleStore store = new();
    private readonly AuthorizationEngine engine;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger<EmbeddedRelationshipEngine> logger;
    private long lastSequence = -1;

    public EmbeddedRelationshipEngine(ILogger<EmbeddedRelationshipEngine> logger)
    {
        this.logger = logger;
        engine = new AuthorizationEngine(store);
        engine.WriteModel(ProductModel.Dsl);
    }

    /// <summary>The engine, brought up to date with everything committed so far.</summary>
    public async Task<IAuthorizationEngine> CatchUpAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref lastSequence);
        if (last >= 0 && !await AnyChangeAfter.For(db)(db, last, cancellationToken))
        {
            return engine;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (lastSequence < 0)
            {
                await LoadAsync(db, cancellationToken);
            }

            var changes = await db.TupleChanges.AsNoTracking().Where(c => c.Sequence > lastSequence).OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
            foreach (var chunk in changes.Chunk(Batch))
            {
                Apply(chunk);
            }

            if (changes.Count > 0)
            {
                Interlocked.Exchange(ref lastSequence, changes[^1].Sequence);
            }
        }
        finally
        {
            gate.Release();
        }

        return engine;
    }

    private async Task LoadAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        // Sequence first, tuples second: anything committed in between is replayed, harmlessly, after.
        var start = await db.TupleChanges.MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0;
        var tuples = await db.RelationshipTuples.AsNoTracking().Select(t => new TupleKey(t.Object, t.Relation, t.User)).ToListAsync(cancellationToken);
        foreach (var chunk in tuples.Chunk(Batch))
        {
            Write(chunk, []);
        }

        lastSequence = start;
    }

    private void Apply(TupleChange[] changes)
    {
        foreach (var change in changes)
        {
            var key = new TupleKey(change.Object, change.Relation, change.User);
            if (change.Operation == TupleOperation.Write)
            {
                Write([key], []);
            }
            else
            {
                Write([], [key]);
            }
        }
    }

    private void Write(IReadOnlyList<TupleKey> writes, IReadOnlyList<TupleKey> deletes)
    {
        try
        {
            engine.Write(new WriteRequest { Writes = writes, Deletes = deletes, Options = new WriteOptions(IgnoreDuplicateWrites: true, IgnoreMissingDeletes: true) });
        }
        catch (AuthzException e) when (writes.Count + deletes.Count > 1)
        {
            // One tuple the model rejects must not hide the others: retry one by one.
            LogBatchRejected(logger, e.Message);
            foreach (var key in writes)
            {
                Write([key], []);
            }

            foreach (var key in deletes)
            {
                Write([], [key]);
            }
        }
        catch (AuthzException e)
        {
            // A stored tuple that no longer fits the model grants nothing (OpenFGA ignores such tuples too).
            LogTupleRejected(logger, e.Message);
        }
    }

    public void Dispose()
    {
        gate.Dispose();
        store.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of relationship tuples was rejected by the model ({Reason}); applying one by one")]
    private static partial void LogBatchRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored relationship tuple does not fit the model and is ignored: {Reason}")]
    private static partial void LogTupleRejected(ILogger logger, string reason);
}
