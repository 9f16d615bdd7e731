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
                await signal.WaitForJobAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The GitHub sync worker could not read the job queue; it retries on its next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
