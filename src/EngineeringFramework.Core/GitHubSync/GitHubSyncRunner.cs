using System.Linq.Expressions;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// Runs queued sync jobs. A worker first takes the organization's lock (one conditional UPDATE of its
/// settings row, so exactly one worker anywhere wins), then claims the job (another conditional UPDATE),
/// then reads GitHub, validates, and imports — the import and the job's success commit in one transaction.
/// Locks and claims expire, so the jobs of a worker that died are taken over; a transient GitHub failure puts
/// the job back in the queue with a retry time; a job tried <see cref="GitHubSyncOptions.MaxAttempts"/> times
/// is failed instead of retried forever.
/// </summary>
public sealed partial class GitHubSyncRunner(
    IServiceScopeFactory scopes,
    GitHubSyncOptions options,
    GitHubTransport transport,
    GitHubSyncSignal signal,
    FrameworkCheckAddress checkAddress,
    TimeProvider time,
    ILogger<GitHubSyncRunner> logger)
{
    private const int MaxReportedErrors = 200;

    /// <summary>This worker's name in locks and leases: unique per runner instance (so per process).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}" is var id && id.Length > 100 ? id[^100..] : id;

    /// <summary>Runs claimable jobs until none is left; returns how many this worker ran.</summary>
    public async Task<int> RunPendingAsync(CancellationToken cancellationToken)
    {
        var ran = 0;
        while (await TryRunOneAsync(cancellationToken))
        {
            ran++;
        }

        return ran;
    }

    private async Task<bool> TryRunOneAsync(CancellationToken cancellationToken)
    {
        List<Guid> organizations;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = Now();
            // The worker serves every organization: it reads the queue across tenants, then acts inside each one.
            organizations = await db.GitHubSyncJobs.BypassTenantFilter().AsNoTracking()
                .Where(Claimable(now))
                .OrderBy(j => j.EnqueuedAt)
                .Select(j => j.OrganizationId)
                .Take(50)
                .ToListAsync(cancellationToken);
        }

        foreach (var organizationId in organizations.Distinct())
        {
            if (await TryRunForOrganizationAsync(organizationId, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<bool> TryRunForOrganizationAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(organizationId);
        var now = Now();
        var lockedUntil = now + options.LockDuration;
        var locked = await db.GitHubSyncSettings
            .Where(s => s.LockedUntil == null || s.LockedUntil < now)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LockOwner, WorkerId).SetProperty(s => s.LockedUntil, lockedUntil), cancellationToken);
        if (locked == 0)
        {
            return false;
        }

        Guid? jobId = null;
        try
        {
            var candidate = await db.GitHubSyncJobs.AsNoTracking()
                .Where(Claimable(now))
                .OrderBy(j => j.EnqueuedAt).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(cancellationToken);
            if (candidate is not { } id)
            {
                return false;
            }

            var claimed = await db.GitHubSyncJobs
                .Where(j => j.Id == id).Where(Claimable(now))
                .ExecuteUpdateAsync(
                    u => u.SetProperty(j => j.Status, GitHubSyncStatus.Running)
                        .SetProperty(j => j.LeaseOwner, WorkerId)
                        .SetProperty(j => j.LeaseExpiresAt, lockedUntil)
                        .SetProperty(j => j.StartedAt, now)
                        .SetProperty(j => j.RetryAt, (DateTime?)null)
                        .SetProperty(j => j.Attempts, j => j.Attempts + 1),
                    cancellationToken);
            if (claimed == 0)
            {
                return false;
            }

            jobId = id;
            await RunClaimedAsync(db, scope.ServiceProvider, organizationId, id, cancellationToken);
            return true;
        }
        finally
        {
            // Released even when cancelled: the lock is this worker's, and leaving it would delay the next sync.
            await db.GitHubSyncSettings.Where(s => s.LockOwner == WorkerId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LockOwner, (string?)null).SetProperty(s => s.LockedUntil, (DateTime?)null), CancellationToken.None);
            if (jobId is { } finishedId)
            {
                signal.JobFinished(finishedId);
            }
        }
    }

    private async Task RunClaimedAsync(AppDbContext db, IServiceProvider services, Guid organizationId, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await db.GitHubSyncJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        var settings = await db.GitHubSyncSettings.SingleAsync(cancellationToken);
        GitHubRepositoryClient? github = null;
        var imported = false;
        try
        {
            imported = await RunJobAsync(db, services, organizationId, job, settings, c => github = c, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back to the queue at once rather than waiting for its lease to expire. The try
            // is not counted: the server stopped, GitHub did not fail, and a few rolling deploys must not fail a sync.
            await db.GitHubSyncJobs.Where(j => j.Id == jobId && j.LeaseOwner == WorkerId)
                .ExecuteUpdateAsync(
                    u => u.SetProperty(j => j.Status, GitHubSyncStatus.Queued)
                        .SetProperty(j => j.LeaseOwner, (string?)null)
                        .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null)
                        .SetProperty(j => j.Attempts, j => j.Attempts - 1),
                    CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            if (ex is not GitHubAccessException)
            {
                LogSyncCrashed(logger, ex, jobId, organizationId);
            }

            // Whatever was staged (a half-built import, the synced commit) is dropped; only the failure is recorded.
            db.ChangeTracker.Clear();
            job = await db.GitHubSyncJobs.SingleAsync(j => j.Id == jobId, CancellationToken.None);
            job.GitHubRequests = github?.Requests ?? 0;
            if (ex is GitHubAccessException { Transient: true } transient)
            {
                RetryOrGiveUp(job, transient);
            }
            else
            {
                Finish(job, GitHubSyncStatus.Failed, ex is GitHubAccessException ? ex.Message + " Nothing changed." : "The sync failed unexpectedly; nothing changed. The server log has the details.");
            }
        }
        finally
        {
            github?.Dispose();
        }

        if (!imported)
        {
            await SettleCheckAsync(db, job);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        LogSyncEnded(logger, jobId, organizationId, job.Status, job.GitHubRequests, job.Message);
    }

    /// <summary>What every job needs first (a try left, the plan, a token that opens), then the job's own work.</summary>
    /// <returns>True when the framework was imported (the import's transaction saved the job too).</returns>
    private async Task<bool> RunJobAsync(AppDbContext db, IServiceProvider services, Guid organizationId, GitHubSyncJob job, GitHubSyncSettings settings, Action<GitHubRepositoryClient> created, CancellationToken cancellationToken)
    {
        if (job.Attempts > options.MaxAttempts)
        {
            // Every try ends by requeueing or finishing the job, except one whose worker died: so the last one did.
            Finish(job, GitHubSyncStatus.Failed, $"Abandoned after {options.MaxAttempts} attempts, the last one interrupted (its worker stopped); nothing changed.");
            return false;
        }

        if (!GitHubSyncService.PlanAllowsSync(await GitHubSyncService.CurrentPlanAsync(db, cancellationToken)))
        {
            Finish(job, GitHubSyncStatus.Failed, "GitHub sync is part of the Pro and Enterprise plans; this organization is on the Free plan.");
            return false;
        }

        if (settings.TokenCiphertext is null)
        {
            Finish(job, GitHubSyncStatus.Failed, "No GitHub token is stored; enter one in the GitHub settings.");
            return false;
        }

        string token;
        try
        {
            token = services.GetRequiredService<GitHubSecrets>().OpenToken(organizationId, settings.TokenCiphertext);
        }
        catch (SecretBoxException)
        {
            Finish(job, GitHubSyncStatus.Failed, "The stored token cannot be decrypted (was ENCRYPTION_KEY changed?); enter the token again.");
            return false;
        }

        var github = new GitHubRepositoryClient(options, transport.Handler, settings.Owner, settings.Repository, token, time);
        created(github);
        if (job.Kind == GitHubSyncJobKind.Check)
        {
            await CheckAsync(db, organizationId, job, github, cancellationToken);
            return false;
        }

        return await SyncAsync(db, organizationId, job, settings, github, cancellationToken);
    }

    private async Task<bool> SyncAsync(AppDbContext db, Guid organizationId, GitHubSyncJob job, GitHubSyncSettings settings, GitHubRepositoryClient github, CancellationToken cancellationToken)
    {
        var sha = await github.GetHeadCommitAsync(settings.Branch, cancellationToken);
        job.CommitSha = sha;
        if (string.Equals(sha, settings.SyncedCommitSha, StringComparison.OrdinalIgnoreCase))
        {
            job.GitHubRequests = github.Requests;
            Finish(job, GitHubSyncStatus.UpToDate, $"Already at {Short(sha)}: nothing to do.");
            return false;
        }

        var archive = await github.DownloadTarballAsync(sha, cancellationToken);
        job.GitHubRequests = github.Requests;
        var result = FrameworkParser.Parse(FrameworkSource.FromTarGz(new MemoryStream(archive, writable: false)));
        if (!result.IsValid)
        {
            job.Errors = [.. result.Errors.Take(MaxReportedErrors).Select(e => new GitHubSyncError(e.Location, e.Message))];
            Finish(job, GitHubSyncStatus.Invalid, $"The framework at {Short(sha)} is invalid ({result.Errors.Count} error(s)); nothing changed.");
            return false;
        }

        var framework = result.Definition!;
        job.CategoryCount = framework.Categories.Length;
        job.SubcategoryCount = framework.SubcategoryCount;
        job.ItemCount = framework.ItemCount;
        job.TemplateCount = framework.Templates.Length;
        settings.SyncedCommitSha = sha;
        settings.SyncedAt = Now();
        Finish(job, GitHubSyncStatus.Succeeded, $"Imported {framework.ItemCount} items from {Short(sha)}; new projects use them.");
        // The importer's transaction also commits the job's success and the synced commit: all or nothing.
        await new FrameworkImporter(db, time).ImportAsync(
            framework, organizationId, new FrameworkOrigin($"github:{sha}", Url: options.CommitPage(settings.Owner, settings.Repository, sha).AbsoluteUri), cancellationToken);
        return true;
    }

    /// <summary>
    /// Waiting (and past its retry time, if it has one), or held by a worker whose lease ran out (it died):
    /// the one rule for what a worker may take.
    /// </summary>
    private static Expression<Func<GitHubSyncJob, bool>> Claimable(DateTime now) =>
        j => (j.Status == GitHubSyncStatus.Queued && (j.RetryAt == null || j.RetryAt <= now))
            || (j.Status == GitHubSyncStatus.Running && j.LeaseExpiresAt < now);

    /// <summary>
    /// A failure that passes with time puts the job back in the queue, not before GitHub's own <c>Retry-After</c> or
    /// rate-limit reset when it named one (else after <see cref="GitHubSyncOptions.RetryDelay"/>, doubling per try),
    /// never later than <see cref="GitHubSyncOptions.MaxRetryDelay"/>; after <see cref="GitHubSyncOptions.MaxAttempts"/>
    /// tries the job fails. Either way the message says what happened and that nothing changed.
    /// </summary>
    private void RetryOrGiveUp(GitHubSyncJob job, GitHubAccessException failure)
    {
        if (job.Attempts >= options.MaxAttempts)
        {
            Finish(job, GitHubSyncStatus.Failed, $"{failure.Message} Nothing changed; gave up after {job.Attempts} attempts.");
            return;
        }

        var backoff = options.RetryDelay * Math.Pow(2, Math.Clamp(job.Attempts - 1, 0, 20));
        var wait = failure.RetryAfter ?? backoff;
        wait = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait;
        var retryAt = Now() + wait;
        job.Status = GitHubSyncStatus.Queued;
        job.RetryAt = retryAt;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        job.Message = $"{failure.Message} Nothing changed; attempt {job.Attempts} of {options.MaxAttempts}, retrying at {retryAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC.";
    }

    private void Finish(GitHubSyncJob job, GitHubSyncStatus status, string message)
    {
        job.Status = status;
        job.Message = message;
        job.FinishedAt = Now();
        job.RetryAt = null;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub sync {JobId} of organization {OrganizationId} ended {Status} after {Requests} GitHub requests: {Outcome}")]
    private static partial void LogSyncEnded(ILogger logger, Guid jobId, Guid organizationId, GitHubSyncStatus status, int requests, string? outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "GitHub sync {JobId} of organization {OrganizationId} crashed")]
    private static partial void LogSyncCrashed(ILogger logger, Exception exception, Guid jobId, Guid organizationId);
}
