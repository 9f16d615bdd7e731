using EngineeringFramework.Core.GitHubSync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Evidence;

/// <summary>
/// The background loop: looks at every due evidence link, then sleeps until a link falls due in this process or the poll
/// interval passes (links added through other instances, rechecks that came due, claims of crashed workers).
/// </summary>
internal sealed partial class EvidenceCheckWorker(EvidenceCheckRunner runner, EvidenceCheckSignal signal, GitHubSyncOptions options, TimeProvider time, ILogger<EvidenceCheckWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunDueAsync(stoppingToken);
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
                await signal.WaitAsync(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The evidence check worker could not finish its round; it tries again on the next one")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
