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
            .Where(j => j.Status == GitHubSyncStatus.Queued)
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
}

/// <summary>
/// In-process notifications between the queue, the worker and anyone waiting for a job: a new job wakes the
/// worker at once (other instances find it on their next poll), and a finished job completes its waiters.
/// </summary>
public sealed class GitHubSyncSignal
{
    private readonly SemaphoreSlim queued = new(0, 1);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> finished = new();

    public void JobQueued()
    {
        try
        {
            queued.Release();
        }
        catch (SemaphoreFullException)
        {
            // The worker is already due to look: one wake-up covers any number of new jobs.
        }
    }

    /// <summary>Waits until a job is queued in this process or <paramref name="timeout"/> passes.</summary>
    public Task WaitForJobAsync(TimeSpan timeout, CancellationToken cancellationToken) => queued.WaitAsync(timeout, cancellationToken);

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
