using EngineeringFramework.Authz;
using EngineeringFramework.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Authorization;

/// <summary>
/// Delivers the outbox when no request asks: the repair for idle periods and for changes committed while OpenFGA
/// was down. Requests deliver for themselves before their first check (<see cref="TupleDelivery.EnsureDeliveredAsync"/>);
/// this loop only makes sure nothing waits for the next request. Backs off exponentially while OpenFGA is unavailable.
/// </summary>
internal sealed partial class TupleDeliveryWorker(TupleDelivery delivery, IServiceScopeFactory scopes, TimeProvider time, ILogger<TupleDeliveryWorker> logger) : BackgroundService
{
    internal static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Poll;
            try
            {
                await delivery.DeliverAllAsync(null, stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is AuthorizationUnavailableException or System.Data.Common.DbException)
            {
                await LogLagAsync(e, stoppingToken);
                wait = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
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
