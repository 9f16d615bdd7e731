using System.Data.Common;
using EngineeringFramework.Core.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Data.Signals;

/// <summary>
/// Turns the relationship changes a unit of work saves into <see cref="ClusterSignals"/>, sent once the change has
/// committed: when <c>SaveChanges</c> returns outside a transaction, or when the enclosing transaction commits. A rolled
/// back or failed change sends nothing. Telling caches before the commit would let a request in between remember the
/// old state again, with nothing left to make it forget.
/// </summary>
internal sealed class AfterCommitSignals(IServiceProvider services) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is AppDbContext { Database.CurrentTransaction: null } db)
        {
            Flush(db, services).GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext { Database.CurrentTransaction: null } db)
        {
            await Flush(db, services);
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => DropUnlessInTransaction(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        DropUnlessInTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    /// <remarks>Never cancelled: the change is committed, and the caller's cancellation must not keep other instances from hearing of it.</remarks>
    internal static async Task Flush(AppDbContext db, IServiceProvider services)
    {
        if (db.PendingSignals.Count == 0)
        {
            return;
        }

        var signals = db.PendingSignals.ToArray();
        db.PendingSignals.Clear();

        await services.GetRequiredService<ClusterSignals>().PublishAsync(signals, CancellationToken.None);
    }

    private static void Collect(DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }

        foreach (var entry in db.ChangeTracker.Entries<TupleChange>())
        {
            if (entry.State != EntityState.Added)
            {
                continue;
            }

            var user = entry.Entity.User;
            db.PendingSignals.Add(user.StartsWith("user:", StringComparison.Ordinal) && Guid.TryParse(user.AsSpan(5), out var id)
                ? CacheSignal.ForUser(id)
                : CacheSignal.Everyone);
        }
    }

    private static void DropUnlessInTransaction(DbContext? context)
    {
        if (context is AppDbContext { Database.CurrentTransaction: null } db)
        {
            db.PendingSignals.Clear();
        }
    }
}

/// <summary>The transaction half of <see cref="AfterCommitSignals"/>: a commit sends what its saves collected; a rollback drops it.</summary>
internal sealed class AfterCommitTransactionSignals(IServiceProvider services) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is AppDbContext db)
        {
            AfterCommitSignals.Flush(db, services).GetAwaiter().GetResult();
        }
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            await AfterCommitSignals.Flush(db, services);
        }
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Drop(eventData.Context);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Drop(DbContext? context)
    {
        if (context is AppDbContext db)
        {
            db.PendingSignals.Clear();
        }
    }
}
