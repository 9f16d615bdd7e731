using EngineeringFramework.Authz;
using EngineeringFramework.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Writes through: every committed permission change wakes this loop (<see cref="RelationshipChanged"/>, told after the
/// commit by <see cref="Data.Signals.ClusterSignals"/>, on the other instances through PostgreSQL <c>NOTIFY</c>), which
/// delivers the outbox at once; the first instance to take the lease sends, the others find it taken or the outbox empty.
/// Requests still deliver for themselves before their first check (<see cref="TupleDelivery.EnsureDeliveredAsync"/>), so
/// a change never waits for this loop to be read, and the loop also runs every <c>idlePoll</c> as the repair for a
/// wake-up that was missed (a signal lost with a dropped connection, changes committed while OpenFGA was down). While
/// OpenFGA is unavailable it backs off exponentially, and wake-ups do not cut the backoff short: a busy deployment must
/// not hammer an OpenFGA that is struggling.
/// </summary>
internal sealed partial class TupleDeliveryWorker(TupleDelivery delivery, IServiceScopeFactory scopes, TimeProvider time, ILogger<TupleDeliveryWorker> logger, TimeSpan idlePoll)
    : BackgroundService, IRelationshipChangeObserver
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>How often delivered changes past their keeping time are removed (<see cref="TupleDelivery.PruneDeliveredAsync"/>).</summary>
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private TaskCompletionSource woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A permission change committed (here or elsewhere): deliver now rather than at the next round.</summary>
    public void RelationshipChanged(Guid? userId) => Volatile.Read(ref woken).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = idlePoll;
            var failed = false;
            var wake = Rearm();
            try
            {
                await delivery.DeliverAllAsync(null, stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneEvery;
                    await delivery.PruneDeliveredAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is AuthorizationUnavailableException or System.Data.Common.DbException)
            {
                await LogLagAsync(e, stoppingToken);
                failed = true;
                wait = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }

            try
            {
                if (failed)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                else
                {
                    // A wake-up that came while delivering (or while this round was starting) starts the next round at once.
                    await wake.WaitAsync(wait, time, stoppingToken);
                }
            }
            catch (TimeoutException)
            {
                // The idle round.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The wake-up for the round about to start: a fresh one if the last was used, so no wake-up is lost between rounds.</summary>
    private Task Rearm()
    {
        var current = Volatile.Read(ref woken);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref woken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }

        return Volatile.Read(ref woken).Task;
    }

    private async Task LogLagAsync(Exception failure, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (count, oldest) = await TupleDelivery.LagAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
            LogBehind(logger, count, oldest is { } at ? time.GetUtcNow().UtcDateTime - at : TimeSpan.Zero, failure.Message);
        }
        catch (System.Data.Common.DbException)
        {
            LogBehind(logger, -1, TimeSpan.Zero, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tuple delivery to OpenFGA failed ({Reason}); {Count} change(s) waiting, the oldest for {Lag}; retrying with backoff")]
    private static partial void LogBehind(ILogger logger, int count, TimeSpan lag, string reason);
}
