using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// The background loop: runs every claimable job, then sleeps until a job is queued in this process or the
/// poll interval passes (jobs queued by other instances, expired leases of crashed workers).
/// </summary>
internal sealed partial class GitHubSyncWorker(GitHubSyncRunner runner, GitHubSyncSignal signal, GitHubSyncOptions options, ILogger<GitHubSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.LockDuration <= options.LongestDownload)
        {
            // Allowed (a test may want a dead worker's job taken over quickly), but in production a second worker could
            // start a job whose first worker is still downloading it.
            LogLeaseShorterThanDownload(logger, options.LockDuration.TotalSeconds, options.LongestDownload.TotalSeconds);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be down or not migrated yet: the next round tries again.
                LogRoundFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(options.PollInterval, TimeProvider.System, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHubSync:LeaseSeconds ({LeaseSeconds} s) is not longer than a sync's GitHub requests may take (two requests and the archive at their timeouts: {DownloadSeconds} s); another instance may take over a job that is still running. Raise the lease or lower the timeouts")]
    private static partial void LogLeaseShorterThanDownload(ILogger logger, double leaseSeconds, double downloadSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The GitHub sync worker could not read the job queue; it retries on its next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
