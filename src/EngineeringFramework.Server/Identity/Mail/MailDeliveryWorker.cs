using EngineeringFramework.Core.Mail;

namespace EngineeringFramework.Server.Identity.Mail;

/// <summary>
/// The background loop: delivers everything due, then sleeps until mail is queued in this process (so Development
/// mail appears at once) or the poll interval passes (mail queued by other instances, retries that became due,
/// leases of crashed instances).
/// </summary>
internal sealed partial class MailDeliveryWorker(MailDelivery delivery, MailSignal signal, MailDeliveryOptions options, TimeProvider time, ILogger<MailDeliveryWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await delivery.DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be down or not migrated yet: the next round tries again. The exception's type
                // only: its message could quote a recipient.
                LogRoundFailed(logger, ex.GetType().Name);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail delivery worker could not read the mail queue ({Reason}); it retries on its next round")]
    private static partial void LogRoundFailed(ILogger logger, string reason);
}
