namespace EngineeringFramework.Core;

/// <summary>
/// Wakes one of this process's background workers when work is queued here, so it starts at once instead of at its
/// next poll (other instances find the work on their next poll). One pending wake-up covers any amount of new work.
/// Each worker has its own subclass, so each is registered and woken on its own.
/// </summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim pending = new(0, 1);

    public void Wake()
    {
        try
        {
            pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // The worker is already due to look.
        }
    }

    /// <summary>Returns when <see cref="Wake"/> was called in this process or <paramref name="timeout"/> has passed on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // A cancelled wait takes no wake-up with it (an abandoned WaitAsync racing a delay would swallow the next one).
        using var elapsed = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await pending.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }
}
