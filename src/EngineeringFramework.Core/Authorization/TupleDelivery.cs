using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Drains the outbox (<see cref="TupleChange"/>) into a remote OpenFGA: strictly in sequence (commit) order, in
/// batches of at most 100 operations, each sent with "ignore duplicate writes / missing deletes" so that sending
/// a batch again after a crash is harmless (at least once, idempotent), then marked delivered in the same
/// transaction that holds the delivery lease. One deliverer at a time across every instance.
/// </summary>
/// <remarks>
/// The lease: on PostgreSQL a transaction-scoped advisory lock (a key of its own, not the one that serializes tuple
/// commits, so writers never wait for a slow OpenFGA), released by commit or by a dropped connection; on SQLite, which
/// serves one process, a semaphore. A batch never holds the same tuple twice: OpenFGA refuses a request that names a
/// tuple twice, and within one request it does not apply operations in order, so the batch is cut there.
/// </remarks>
public sealed partial class TupleDelivery(IServiceScopeFactory scopes, RemoteAuthorizationEngine remote, TimeProvider time, ILogger<TupleDelivery> logger)
{
    public const int MaxBatch = AuthorizationEngine.MaxTuplesPerWrite;

    /// <summary>The delivery lease's advisory-lock key; <see cref="AppDbContext"/> serializes tuple commits with 7209117001.</summary>
    private const long LeaseKey = 7209117002;

    private static readonly WriteOptions Idempotent = new(IgnoreDuplicateWrites: true, IgnoreMissingDeletes: true);

    /// <summary>Asked before every request's first check in remote mode: compiled once, one indexed statement (DeliveredAt is indexed).</summary>
    private static readonly PerModel<Func<AppDbContext, CancellationToken, Task<bool>>> AnyUndelivered = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, CancellationToken _) => db.TupleChanges.Any(c => c.DeliveredAt == null)));

    private readonly SemaphoreSlim sqliteLease = new(1, 1);

    /// <summary>How long a request waits for another deliverer (usually another instance) to finish before giving up with 503.</summary>
    public TimeSpan LeaseWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Read-your-writes across instances: when anything committed is not yet in OpenFGA, deliver it now (or wait for
    /// whoever is delivering), so the check that follows sees it. Costs one indexed query when the outbox is drained.
    /// </summary>
    /// <exception cref="AuthorizationUnavailableException">OpenFGA is unreachable, or the backlog could not be delivered in time.</exception>
    public async Task EnsureDeliveredAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!await AnyUndelivered.For(db)(db, cancellationToken))
        {
            return;
        }

        var deadline = time.GetUtcNow() + LeaseWait;
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var outcome = await DeliverAllAsync(db, cancellationToken);
            if (outcome == DeliveryOutcome.Drained)
            {
                return;
            }

            // Another deliverer holds the lease: it may be sending exactly what this request needs. Wait briefly, re-check.
            if (time.GetUtcNow() >= deadline)
            {
                throw new AuthorizationUnavailableException("Permission changes are waiting to reach OpenFGA and another deliverer holds the lease; try again shortly.");
            }

            await Task.Delay(pause, time, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
            if (!await AnyUndelivered.For(db)(db, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>Delivers batches until the outbox is drained or another deliverer holds the lease.</summary>
    /// <param name="requestDb">
    /// The caller's context. Delivery runs on a context of its own, except on SQLite while the caller holds a
    /// transaction: there a second connection would wait for the caller's own write lock, so the caller's connection is used.
    /// </param>
    public async Task<DeliveryOutcome> DeliverAllAsync(AppDbContext? requestDb, CancellationToken cancellationToken)
    {
        if (requestDb is not null && !requestDb.Database.IsNpgsql() && requestDb.Database.CurrentTransaction is not null)
        {
            return await DeliverAllOnAsync(requestDb, cancellationToken);
        }

        await using var scope = scopes.CreateAsyncScope();
        return await DeliverAllOnAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
    }

    /// <summary>How long a delivered change stays in the outbox, for an operator looking into what OpenFGA was sent.</summary>
    public static readonly TimeSpan KeepDelivered = TimeSpan.FromDays(7);

    /// <summary>
    /// Removes changes OpenFGA acknowledged more than <see cref="KeepDelivered"/> ago, so the outbox does not grow with
    /// every permission change ever made; undelivered changes are never touched. OpenFGA holds their effect, and the
    /// database's own tuples (<see cref="RelationshipTuple"/>) remain the full set to compare it with.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public async Task<int> PruneDeliveredAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - KeepDelivered).UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.TupleChanges.Where(c => c.DeliveredAt != null && c.DeliveredAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>What is waiting: how many changes, and since when the oldest.</summary>
    public static async Task<(int Count, DateTime? Oldest)> LagAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var pending = db.TupleChanges.AsNoTracking().Where(c => c.DeliveredAt == null);
        return (await pending.CountAsync(cancellationToken), await pending.MinAsync(c => (DateTime?)c.At, cancellationToken));
    }

    private async Task<DeliveryOutcome> DeliverAllOnAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        if (!postgres && !await sqliteLease.WaitAsync(0, cancellationToken))
        {
            return DeliveryOutcome.Busy;
        }

        try
        {
            while (true)
            {
                var outcome = await DeliverBatchAsync(db, postgres, cancellationToken);
                if (outcome != DeliveryOutcome.Delivered)
                {
                    return outcome;
                }
            }
        }
        finally
        {
            if (!postgres)
            {
                sqliteLease.Release();
            }
        }
    }

    private async Task<DeliveryOutcome> DeliverBatchAsync(AppDbContext db, bool postgres, CancellationToken cancellationToken)
    {
        // PostgreSQL: the lease is an advisory lock held by a transaction of its own, which blocks no writer. SQLite: the
        // lease is the semaphore, and no transaction is opened here, since a SQLite transaction holds the database's one
        // write lock and every writer would wait for OpenFGA's answer; marking the batch is one statement of its own.
        var transaction = postgres && db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            if (postgres && !await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({LeaseKey}) AS \"Value\"").SingleAsync(cancellationToken))
            {
                return DeliveryOutcome.Busy;
            }

            var batch = Cut(await db.TupleChanges.AsNoTracking()
                .Where(c => c.DeliveredAt == null)
                .OrderBy(c => c.Sequence)
                .Take(MaxBatch)
                .ToListAsync(cancellationToken));
            if (batch.Count == 0)
            {
                return DeliveryOutcome.Drained;
            }

            await SendAsync(batch, cancellationToken);
            var sequences = batch.Select(c => c.Sequence).ToList();
            var now = time.GetUtcNow().UtcDateTime;
            await db.TupleChanges.Where(c => sequences.Contains(c.Sequence)).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveredAt, now), cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            LogDelivered(logger, batch.Count, batch[^1].Sequence, now - batch[0].At);
            return DeliveryOutcome.Delivered;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    /// <summary>The longest prefix that names no tuple twice.</summary>
    internal static List<TupleChange> Cut(List<TupleChange> changes)
    {
        var seen = new HashSet<(string, string, string)>();
        var prefix = new List<TupleChange>(changes.Count);
        foreach (var change in changes)
        {
            if (!seen.Add((change.Object, change.Relation, change.User)))
            {
                break;
            }

            prefix.Add(change);
        }

        return prefix;
    }

    private async Task SendAsync(List<TupleChange> batch, CancellationToken cancellationToken)
    {
        try
        {
            await remote.WriteAsync(Request(batch), cancellationToken);
        }
        catch (AuthzException e) when (batch.Count > 1)
        {
            // OpenFGA refused the batch as invalid (not an outage: that is AuthorizationUnavailableException and
            // propagates). Find the culprit one by one, so one bad tuple cannot hold up the ones after it.
            LogBatchRejected(logger, e.Message);
            foreach (var change in batch)
            {
                await SendAsync([change], cancellationToken);
            }
        }
        catch (AuthzException e)
        {
            // A tuple the model does not accept grants nothing in OpenFGA either, as in the embedded engine, which
            // ignores it. It is marked delivered so the queue moves on; the log keeps it for an operator.
            LogTupleRejected(logger, batch[0].Sequence, batch[0].Object, batch[0].Relation, batch[0].User, e.Message);
        }
    }

    private static WriteRequest Request(List<TupleChange> batch) => new()
    {
        Writes = [.. batch.Where(c => c.Operation == TupleOperation.Write).Select(Key)],
        Deletes = [.. batch.Where(c => c.Operation == TupleOperation.Delete).Select(Key)],
        Options = Idempotent,
    };

    private static TupleKey Key(TupleChange change) => new(change.Object, change.Relation, change.User);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered {Count} tuple change(s) to OpenFGA, up to sequence {Sequence}; the oldest waited {Lag}")]
    private static partial void LogDelivered(ILogger logger, int count, long sequence, TimeSpan lag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenFGA rejected a batch of tuple changes ({Reason}); sending them one by one")]
    private static partial void LogBatchRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "OpenFGA rejected tuple change {Sequence} ({Object}#{Relation}@{User}) as invalid for the model: {Reason}; it is skipped and marked delivered")]
    private static partial void LogTupleRejected(ILogger logger, long sequence, string @object, string relation, string user, string reason);
}

public enum DeliveryOutcome
{
    /// <summary>A batch went out; there may be more.</summary>
    Delivered,

    /// <summary>Nothing is waiting.</summary>
    Drained,

    /// <summary>Another deliverer holds the lease.</summary>
    Busy,
}
