using System.Collections.Concurrent;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>Adds sync jobs to the durable queue (the database) and wakes this process's worker.</summary>
public sealed class GitHubSyncQueue(AppDbContext db, GitHubSyncSignal signal, TimeProvider time)
{
    /// <summary>
    /// Queues a sync of the current tenant's organization. A job still waiting already covers any later
    /// push (it reads the branch head when it runs), so it is returned instead of queueing a second one.
    /// A webhook's <paramref name="deliveryId"/> is remembered in the same transaction.
    /// </summary>
    public async Task<GitHubSyncJob> EnqueueAsync(Guid organizationId, GitHubSyncTrigger trigger, Guid? requestedBy, CancellationToken cancellationToken, string? deliveryId = null)
    {
        var waiting = await db.GitHubSyncJobs.AsNoTracking()
            .Where(j => j.Status == GitHubSyncStatus.Queued && j.Kind == GitHubSyncJobKind.Sync)
            .OrderBy(j => j.EnqueuedAt).FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (deliveryId is not null)
        {
            db.GitHubWebhookDeliveries.Add(new GitHubWebhookDelivery { OrganizationId = organizationId, DeliveryId = deliveryId, ReceivedAt = now });
        }

        var job = waiting;
        if (job is null)
        {
            job = new GitHubSyncJob { OrganizationId = organizationId, Trigger = trigger, RequestedBy = requestedBy, DeliveryId = deliveryId, EnqueuedAt = now };
            db.GitHubSyncJobs.Add(job);
        }

        // The delivery record and the job commit together: a delivery is either remembered and queued, or neither.
        await db.SaveChangesAsync(cancellationToken);
        signal.JobQueued();
        return job;
    }

    /// <summary>
    /// Queues what one webhook delivery asks for, in one transaction with its delivery id: a check of
    /// <paramref name="check"/>'s commit unless that commit was checked already (one check per organization and commit),
    /// and, for a push to the configured branch, a sync as <see cref="EnqueueAsync"/> does.
    /// </summary>
    /// <returns>False when nothing new was queued (the commit was checked already and no sync was asked for).</returns>
    public async Task<bool> EnqueueDeliveryAsync(Guid organizationId, string deliveryId, FrameworkCheckRequest? check, bool sync, CancellationToken cancellationToken)
    {
        if (sync)
        {
            if (check is not null)
            {
                await AddCheckAsync(organizationId, check, cancellationToken);
            }

            await EnqueueAsync(organizationId, GitHubSyncTrigger.Webhook, null, cancellationToken, deliveryId);
            return true;
        }

        var added = check is not null && await AddCheckAsync(organizationId, check, cancellationToken);
        db.GitHubWebhookDeliveries.Add(new GitHubWebhookDelivery { OrganizationId = organizationId, DeliveryId = deliveryId, ReceivedAt = time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
        if (added)
        {
            signal.JobQueued();
        }

        return added;
    }

    /// <summary>Stages a check and its job (saved by the caller) unless the commit has one already.</summary>
    private async Task<bool> AddCheckAsync(Guid organizationId, FrameworkCheckRequest request, CancellationToken cancellationToken)
    {
        if (await db.FrameworkChecks.AnyAsync(c => c.CommitSha == request.CommitSha, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        // The diff is against what was current when the commit was pushed, so a sync that runs first (or a retry that runs
        // late) does not turn a push's changes into "no changes".
        var effective = await new Frameworks.Versions.FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken);
        var check = new FrameworkCheck
        {
            OrganizationId = organizationId,
            CommitSha = request.CommitSha,
            Branch = request.Branch,
            PullRequestNumber = request.PullRequestNumber,
            BaseVersionId = effective?.Id,
            RequestedAt = now,
        };
        db.FrameworkChecks.Add(check);
        db.GitHubSyncJobs.Add(new GitHubSyncJob
        {
            OrganizationId = organizationId,
            Kind = GitHubSyncJobKind.Check,
            FrameworkCheckId = check.Id,
            CommitSha = request.CommitSha,
            Trigger = GitHubSyncTrigger.Webhook,
            EnqueuedAt = now,
        });
        return true;
    }
}

/// <summary>A commit to check: its sha, and the branch or pull request it came from (for people).</summary>
public sealed record FrameworkCheckRequest(string CommitSha, string? Branch, int? PullRequestNumber);

/// <summary>
/// In-process notifications between the queue, the worker and anyone waiting for a job: a new job wakes the
/// worker at once (other instances find it on their next poll), and a finished job completes its waiters.
/// </summary>
public sealed class GitHubSyncSignal : WakeSignal
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> finished = new();

    /// <summary>One wake-up covers any number of new jobs.</summary>
    public void JobQueued() => Wake();

    public void JobFinished(Guid jobId)
    {
        if (finished.TryRemove(jobId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>
    /// Completes when this process finishes <paramref name="jobId"/>. A caller that registers after the job
    /// finished must check the job's stored status once after registering.
    /// </summary>
    public Task WhenFinished(Guid jobId) => finished.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
