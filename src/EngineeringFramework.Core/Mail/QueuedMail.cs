namespace EngineeringFramework.Core.Mail;

/// <summary>What a queued row asks the delivery worker to do.</summary>
public enum MailKind
{
    /// <summary>Send the sealed message as it is.</summary>
    Message,

    /// <summary>
    /// Someone asked to reset the password of the sealed address. The worker, not the request, looks the address up
    /// and sends a fresh reset link only to a confirmed account; for any other address it sends nothing. The request
    /// path therefore does the same work (one insert) whether or not the address has an account.
    /// </summary>
    PasswordReset,
}

public enum MailStatus
{
    /// <summary>Waiting until <see cref="QueuedMail.NextAttemptAt"/>.</summary>
    Queued,

    /// <summary>A worker holds it until <see cref="QueuedMail.LeaseExpiresAt"/>; after that any worker may take it over.</summary>
    Sending,

    /// <summary>Handed to the mail server (or written to the development outbox).</summary>
    Delivered,

    /// <summary>Nothing to send: a reset request for an address without a confirmed account.</summary>
    Dropped,

    /// <summary>Given up after the maximum number of attempts, or unreadable (sealed under another key).</summary>
    Failed,
}

/// <summary>
/// One outgoing message in the durable mail queue (table <c>MailQueue</c>). Requests only insert rows; the delivery
/// worker claims a due row with a conditional update (a lease that expires, so a crashed instance's claim is taken
/// over), sends it, and records the outcome. Delivery is at least once: a worker that sends and dies before
/// recording it leaves the row to be sent again when its lease expires.
/// </summary>
/// <remarks>
/// Not organization-owned: account mail (confirmation, reset) has no tenant, so no tenant query filter applies to
/// this table and the worker reads it without one. The recipient, subject and body are sealed together in
/// <see cref="SealedContent"/> (AES-256-GCM, bound to the row's id), because the body carries single-use secrets
/// (reset and confirmation links) and a database reader must not be able to use them; the sealed content is
/// erased once the row is finished, so a delivered link lives only in the recipient's mailbox.
/// </remarks>
public sealed class QueuedMail
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public MailKind Kind { get; init; }

    public MailStatus Status { get; set; } = MailStatus.Queued;

    /// <summary>The <see cref="MailMessage"/>, sealed by <see cref="MailSeal"/>; null once the row is finished.</summary>
    public byte[]? SealedContent { get; set; }

    public DateTime EnqueuedAt { get; init; }

    /// <summary>When a worker may next try it (after a failure: later, by exponential backoff).</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Claims so far, including claims by workers that died while sending.</summary>
    public int Attempts { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseExpiresAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>Why the last attempt failed: an exception type name or "timeout", never a message (servers quote addresses in theirs).</summary>
    public string? LastError { get; set; }
}
