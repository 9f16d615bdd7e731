using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EngineeringFramework.Core.Data.Signals;

/// <summary>
/// Hears the other instances' <see cref="ClusterSignals"/> on PostgreSQL (<c>LISTEN</c>) and tells this process's caches.
/// One connection for the process's lifetime; when it breaks, this process forgets everything (it may have missed signals)
/// and reconnects with a growing pause, up to 30 seconds.
/// </summary>
public sealed partial class ClusterSignalListener(ClusterSignals signals, DatabaseConnection connection, TimeProvider time, ILogger<ClusterSignalListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first <c>LISTEN</c> is in place (tests wait for it before publishing).</summary>
    public Task Listening => listening.Task;

    private readonly Lock waitersLock = new();
    private readonly List<(Func<CacheSignal, bool> Matches, TaskCompletionSource Heard)> waiters = [];

    /// <summary>
    /// Completes once a signal from another instance that <paramref name="matches"/> has been applied here. Register it
    /// before making the change (tests; diagnostics): signals heard earlier do not count.
    /// </summary>
    public Task WhenHeard(Func<CacheSignal, bool> matches)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waitersLock)
        {
            waiters.Add((matches, heard));
        }

        return heard.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromMilliseconds(500);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listen = new NpgsqlConnection(connection.ConnectionString);
                await listen.OpenAsync(stoppingToken);
                listen.Notification += (_, e) =>
                {
                    if (e.Channel == ClusterSignals.Channel && signals.Decode(e.Payload) is { Count: > 0 } signalsHeard)
                    {
                        signals.Deliver(signalsHeard);
                        Release(signalsHeard);
                    }
                };
                await using (var command = new NpgsqlCommand("LISTEN " + ClusterSignals.Channel, listen))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!first)
                {
                    // Signals sent while this process was not listening are lost: forget everything instead.
                    signals.Deliver([CacheSignal.Everyone, CacheSignal.Grants]);
                    LogReconnected(logger);
                }

                first = false;
                listening.TrySetResult();
                pause = TimeSpan.FromMilliseconds(500);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listen.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, e.Message, pause.TotalSeconds);
                signals.Deliver([CacheSignal.Everyone, CacheSignal.Grants]);
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
        }
    }

    private void Release(IReadOnlyList<CacheSignal> heard)
    {
        lock (waitersLock)
        {
            waiters.RemoveAll(w =>
            {
                if (!heard.Any(w.Matches))
                {
                    return false;
                }

                w.Heard.TrySetResult();
                return true;
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection that hears other instances' cache signals ({Reason}); retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hearing other instances' cache signals again; forgot every cached caller meanwhile")]
    private static partial void LogReconnected(ILogger logger);
}
