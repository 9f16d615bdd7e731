namespace EngineeringFramework.Core.Mail;

/// <summary>
/// Wakes this process's delivery worker when mail is queued here, so a message goes out at once instead of at the
/// next poll (other instances find it on their next poll). One pending wake-up covers any number of messages.
/// </summary>
internal sealed class MailSignal
{
    private readonly SemaphoreSlim queued = new(0, 1);

    public void MailQueued()
    {
        try
        {
            queued.Release();
        }
        catch (SemaphoreFullException)
        {
            // The worker is already due to look.
        }
    }

    /// <summary>Returns when mail is queued in this process or <paramref name="timeout"/> has passed on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // A cancelled wait takes no wake-up with it (an abandoned WaitAsync racing a delay would swallow the next one).
        using var elapsed = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await queued.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }
}
