namespace EngineeringFramework.Core.Mail;

/// <summary>How the delivery worker paces itself. The server binds the <c>Mail:*</c> settings to it.</summary>
internal sealed record MailDeliveryOptions
{
    /// <summary>How often the worker looks for mail queued by other instances and for retries that became due.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest one send may take (connect, dialogue, data); a hung mail server is abandoned after it and retried.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claim lasts. Longer than <see cref="SendTimeout"/>, so a live worker's send is never taken over;
    /// short enough that a crashed instance's claims are picked up within minutes.
    /// </summary>
    public TimeSpan LeaseDuration => SendTimeout + TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a message is failed for good.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long finished rows (no content left, only status and times) are kept before they are deleted.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(14);

    /// <summary>False runs no background worker in this process (mail still queues; another instance sends it).</summary>
    public bool RunWorker { get; init; } = true;

    /// <summary>The wait before the attempt after <paramref name="failedAttempts"/> failures: 30 s, 1 min, 2 min, … capped.</summary>
    public TimeSpan Backoff(int failedAttempts)
    {
        var doublings = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = Math.Min(FirstBackoff.Ticks * Math.Pow(2, doublings), MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
