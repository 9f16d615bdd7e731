using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.GitHubSync;

public enum GitHubSyncTrigger
{
    Manual,
    Webhook,
}

/// <summary>What a job on the sync queue does.</summary>
public enum GitHubSyncJobKind
{
    /// <summary>Imports the configured branch's head as the organization's framework.</summary>
    Sync,

    /// <summary>
    /// Validates one commit (<see cref="GitHubSyncJob.FrameworkCheckId"/>) without applying it, and posts the result to
    /// GitHub as a commit status.
    /// </summary>
    Check,
}

public enum GitHubSyncStatus
{
    /// <summary>Waiting for a worker (from <see cref="GitHubSyncJob.RetryAt"/> on, when a transient failure put it back).</summary>
    Queued,

    /// <summary>A worker holds it (until its lease expires).</summary>
    Running,

    /// <summary>The repository's framework was imported and is now the organization's framework.</summary>
    Succeeded,

    /// <summary>The branch head is the commit already synced: nothing was downloaded or changed.</summary>
    UpToDate,

    /// <summary>The repository's content failed validation: nothing changed; <see cref="GitHubSyncJob.Errors"/> says why.</summary>
    Invalid,

    /// <summary>GitHub or the configuration failed (refused token, network, limits): nothing changed.</summary>
    Failed,

    /// <summary>Withdrawn before it ran (the connection was removed).</summary>
    Cancelled,
}

/// <summary>
/// A durable sync request. Jobs live in the database, so a restart loses none, and a worker claims one with
/// a conditional update, so several server instances never run the same job twice.
/// </summary>
/// <remarks>
/// Checks of pushed commits are jobs of this same queue (<see cref="Kind"/>), not a queue of their own: they need
/// exactly what a sync needs (the organization's token and lock, a lease a crashed worker's successor takes over,
/// retries that honour GitHub's rate limits, a bounded number of tries), and one queue keeps one organization's
/// GitHub traffic in one line, under one lock.
/// </remarks>
public sealed class GitHubSyncJob : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public GitHubSyncTrigger Trigger { get; init; }

    public GitHubSyncJobKind Kind { get; init; } = GitHubSyncJobKind.Sync;

    /// <summary>The check this job runs (<see cref="GitHubSyncJobKind.Check"/> jobs only).</summary>
    public Guid? FrameworkCheckId { get; init; }

    /// <summary>The admin who asked (manual syncs); null for webhook deliveries.</summary>
    public Guid? RequestedBy { get; init; }

    /// <summary>GitHub's <c>X-GitHub-Delivery</c> id for webhook-triggered jobs.</summary>
    public string? DeliveryId { get; init; }

    public GitHubSyncStatus Status { get; set; } = GitHubSyncStatus.Queued;

    public DateTime EnqueuedAt { get; init; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>
    /// How many times a worker claimed it, whatever ended each try (a transient failure, or the worker dying), except
    /// tries its worker handed back while shutting down: after <see cref="GitHubSyncOptions.MaxAttempts"/> the job is failed instead of retried.
    /// </summary>
    public int Attempts { get; set; }

    /// <summary>
    /// Set when a transient failure (rate limit, GitHub error, timeout) put the job back in the queue: no worker
    /// claims it before this time. Null for a job that may run at once.
    /// </summary>
    public DateTime? RetryAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>The branch head commit the job looked at (a check's commit, from the moment it is queued).</summary>
    public string? CommitSha { get; set; }

    /// <summary>Requests sent to the GitHub API host (and its archive host) by this job.</summary>
    public int GitHubRequests { get; set; }

    public int? CategoryCount { get; set; }

    public int? SubcategoryCount { get; set; }

    public int? ItemCount { get; set; }

    public int? TemplateCount { get; set; }

    /// <summary>One line for people: what happened.</summary>
    public string? Message { get; set; }

    /// <summary>Validation errors (location + message), for <see cref="GitHubSyncStatus.Invalid"/>.</summary>
    public List<GitHubSyncError> Errors { get; set; } = [];

    public bool IsFinished => Status is not (GitHubSyncStatus.Queued or GitHubSyncStatus.Running);
}

public sealed record GitHubSyncError(string Location, string Message);

/// <summary>A webhook delivery already accepted; a redelivery of the same id enqueues nothing.</summary>
public sealed class GitHubWebhookDelivery : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public required string DeliveryId { get; init; }

    public DateTime ReceivedAt { get; init; }
}
