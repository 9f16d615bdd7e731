using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// The organization's connection to its framework repository: configure, test the token, sync on demand,
/// read the sync history, disconnect. Organization admins only (<c>can_manage_github_sync</c>); every change
/// except reading and disconnecting also needs the PRO or ENTERPRISE plan.
/// </summary>
public sealed class GitHubSyncService(
    AppDbContext db,
    TenantContext tenant,
    Authorizer authorizer,
    GitHubSecrets secrets,
    GitHubSyncQueue queue,
    GitHubSyncOptions options,
    GitHubTransport transport,
    GitHubWebhookAddress webhookAddress,
    TimeProvider time)
{
    private const int RecentJobCount = 10;

    public static bool PlanAllowsSync(Plan plan) => plan is Plan.Pro or Plan.Enterprise;

    /// <summary>The plan of the current tenant's organization.</summary>
    internal static Task<Plan> CurrentPlanAsync(AppDbContext db, CancellationToken cancellationToken)
        => db.Organizations.AsNoTracking().Select(o => o.Plan).SingleAsync(cancellationToken);

    public async Task<GitHubSyncView> GetAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        return await ViewAsync(organizationId, cancellationToken);
    }

    /// <summary>
    /// Saves owner, repository and branch, and the token if one is given. The token (new or stored) is first
    /// checked against GitHub for that repository and branch: only working credentials are saved. The stored
    /// token serves only the owner, repository and branch it was entered with: a request that changes any of
    /// them without a token is a validation error naming <c>Token</c>, and nothing is written or sent.
    /// </summary>
    /// <remarks>
    /// A token is its owner's credential, often wider than one repository (a classic token with <c>repo</c> reads
    /// every private repository its owner can). Reusing it for another source would let any other admin point it at
    /// a repository its owner never chose and import that repository's content, readable by every member.
    /// Whoever changes the source therefore enters a token for it.
    /// </remarks>
    public async Task<GitHubSyncView> ConfigureAsync(Caller caller, Guid organizationId, ConfigureGitHubSyncRequest request, CancellationToken cancellationToken)
    {
        await new ConfigureGitHubSyncValidator().ValidateAndThrowAsync(request, cancellationToken);
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        await EnsurePlanAsync(cancellationToken);

        var settings = await db.GitHubSyncSettings.SingleOrDefaultAsync(cancellationToken);
        var token = request.Token?.Trim();
        if (token is null)
        {
            if (settings?.TokenCiphertext is not { } stored)
            {
                throw new ValidationException([new ValidationFailure(nameof(request.Token), "A personal access token with Contents: read on the repository is required.")]);
            }

            if (!SameSource(settings, request))
            {
                throw new ValidationException([new ValidationFailure(nameof(request.Token), TokenRequiredForNewSource)]);
            }

            token = secrets.OpenToken(organizationId, stored);
        }

        GitHubAccess access;
        using (var github = new GitHubRepositoryClient(options, transport.Handler, request.Owner!, request.Repository!, token, time))
        {
            access = await github.CheckAccessAsync(request.Branch!, cancellationToken);
            if (access.Problem is { } problem)
            {
                throw new ValidationException([new ValidationFailure(ToPropertyName(problem.Field), problem.Message)]);
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (settings is null)
        {
            settings = new GitHubSyncSettings
            {
                OrganizationId = organizationId,
                Owner = request.Owner!,
                Repository = request.Repository!,
                Branch = request.Branch!,
                WebhookSecretCiphertext = secrets.SealWebhookSecret(organizationId, GitHubSecrets.NewWebhookSecret()),
                WebhookSecretCreatedAt = now,
                CreatedAt = now,
            };
            db.GitHubSyncSettings.Add(settings);
        }
        else if (!SameSource(settings, request))
        {
            // Another source: its first sync must import even if it happens to sit at the same commit id.
            settings.SyncedCommitSha = null;
        }

        settings.Owner = request.Owner!;
        settings.Repository = request.Repository!;
        settings.Branch = request.Branch!;
        settings.UpdatedAt = now;
        // Not a refusal: syncing needs only read access. Checks still run; GitHub just will not show their result.
        settings.StatusWarning = access.CanPostStatuses ? null : GitHubStatusRefusedException.CannotPostStatuses;
        if (request.Token is not null)
        {
            settings.TokenCiphertext = secrets.SealToken(organizationId, token);
            settings.TokenSetAt = now;
            settings.TokenSetBy = caller.UserId;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (request.Token is not null)
        {
            // Evidence links that could not be checked without a working token are looked at again with the new one.
            await db.EvidenceChecks
                .Where(c => c.State == Evidence.EvidenceState.NotConnected || c.State == Evidence.EvidenceState.Failed)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.DueAt, now), cancellationToken);
        }

        return await ViewAsync(organizationId, cancellationToken);
    }

    public const string TokenRequiredForNewSource =
        "Changing the owner, repository or branch requires entering the token again: a stored token stays with the repository and branch it was entered for.";

    /// <summary>GitHub owner and repository names ignore case; branch names do not.</summary>
    private static bool SameSource(GitHubSyncSettings settings, ConfigureGitHubSyncRequest request)
        => string.Equals(settings.Owner, request.Owner, StringComparison.OrdinalIgnoreCase)
            && string.Equals(settings.Repository, request.Repository, StringComparison.OrdinalIgnoreCase)
            && string.Equals(settings.Branch, request.Branch, StringComparison.Ordinal);

    /// <summary>Erases the stored token; syncs fail until a new one is entered. The rest of the connection stays.</summary>
    public async Task<GitHubSyncView> RemoveTokenAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        var settings = await db.GitHubSyncSettings.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("GitHub connection");
        settings.TokenCiphertext = null;
        settings.TokenSetAt = null;
        settings.TokenSetBy = null;
        settings.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(organizationId, cancellationToken);
    }

    /// <summary>
    /// Removes the connection: token, webhook secret and queued syncs are gone, and new projects use the
    /// built-in framework again. Existing projects keep their checklists; synced versions stay stored.
    /// Allowed on any plan, so an organization that left a paid plan can still remove its credential.
    /// </summary>
    public async Task DisconnectAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        var settings = await db.GitHubSyncSettings.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("GitHub connection");
        var now = time.GetUtcNow().UtcDateTime;
        // One SaveChanges: the connection, its queued jobs and the current version change in one transaction.
        db.GitHubSyncSettings.Remove(settings);
        foreach (var job in await db.GitHubSyncJobs.Where(j => j.Status == GitHubSyncStatus.Queued).ToListAsync(cancellationToken))
        {
            job.Status = GitHubSyncStatus.Cancelled;
            job.FinishedAt = now;
            job.Message = "Cancelled: the GitHub connection was removed.";
        }

        foreach (var check in await db.FrameworkChecks.Where(c => c.State == FrameworkCheckState.Pending).ToListAsync(cancellationToken))
        {
            check.State = FrameworkCheckState.Failed;
            check.CheckedAt = now;
            check.Message = "Not checked: the GitHub connection was removed.";
        }

        // The scope is this organization's own versions (the tenant filter would also show the system's).
        foreach (var version in await db.FrameworkVersions.BypassTenantFilter().Where(v => v.OrganizationId == organizationId && v.IsCurrent).ToListAsync(cancellationToken))
        {
            version.IsCurrent = false;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The webhook URL and secret, for pasting into the repository's webhook settings.</summary>
    public async Task<GitHubWebhookView> GetWebhookAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        await EnsurePlanAsync(cancellationToken);
        var settings = await db.GitHubSyncSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("GitHub connection");
        return new(webhookAddress.For(organizationId), System.Text.Encoding.UTF8.GetString(secrets.OpenWebhookSecret(organizationId, settings.WebhookSecretCiphertext)), settings.WebhookSecretCreatedAt);
    }

    /// <summary>Replaces the webhook secret with a fresh one; deliveries signed with the old one are refused from now on.</summary>
    public async Task<GitHubWebhookView> RegenerateWebhookSecretAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        await EnsurePlanAsync(cancellationToken);
        var settings = await db.GitHubSyncSettings.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("GitHub connection");
        var secret = GitHubSecrets.NewWebhookSecret();
        settings.WebhookSecretCiphertext = secrets.SealWebhookSecret(organizationId, secret);
        settings.WebhookSecretCreatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return new(webhookAddress.For(organizationId), secret, settings.WebhookSecretCreatedAt);
    }

    /// <summary>"Sync now": queues a sync job (or returns the one already waiting) for the background worker.</summary>
    public async Task<GitHubSyncJobView> RequestSyncAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        await EnsurePlanAsync(cancellationToken);
        var settings = await db.GitHubSyncSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new ConflictException("GitHub sync is not configured for this organization.");
        if (settings.TokenCiphertext is null)
        {
            throw new ConflictException("The GitHub token was removed; enter a new one before syncing.");
        }

        var job = await queue.EnqueueAsync(organizationId, GitHubSyncTrigger.Manual, caller.UserId, cancellationToken);
        return GitHubSyncJobView.From(job);
    }

    public async Task<IReadOnlyList<GitHubSyncJobView>> ListJobsAsync(Caller caller, Guid organizationId, int limit, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        return await RecentJobsAsync(Math.Clamp(limit, 1, 100), cancellationToken);
    }

    public async Task<GitHubSyncJobView> GetJobAsync(Caller caller, Guid organizationId, Guid jobId, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(caller, organizationId, cancellationToken);
        var job = await db.GitHubSyncJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.Kind == GitHubSyncJobKind.Sync, cancellationToken) ?? throw new NotFoundException("Sync job");
        return GitHubSyncJobView.From(job);
    }

    private async Task<GitHubSyncView> ViewAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var plan = await CurrentPlanAsync(db, cancellationToken);
        var settings = await db.GitHubSyncSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        var jobs = await RecentJobsAsync(RecentJobCount, cancellationToken);
        var checks = await FrameworkCheckService.RecentAsync(db, RecentJobCount, cancellationToken);
        return new GitHubSyncView(
            plan,
            PlanAllowsSync(plan),
            settings is not null,
            settings?.Owner,
            settings?.Repository,
            settings?.Branch,
            settings?.TokenCiphertext is not null,
            settings?.TokenSetAt,
            settings is null ? null : webhookAddress.For(organizationId),
            settings?.WebhookSecretCreatedAt,
            settings?.SyncedCommitSha,
            settings?.SyncedAt,
            jobs,
            settings?.StatusWarning,
            checks);
    }

    private async Task<IReadOnlyList<GitHubSyncJobView>> RecentJobsAsync(int count, CancellationToken cancellationToken)
    {
        var jobs = await db.GitHubSyncJobs.AsNoTracking().Where(j => j.Kind == GitHubSyncJobKind.Sync).OrderByDescending(j => j.EnqueuedAt).ThenByDescending(j => j.Id)
            .Take(count).ToListAsync(cancellationToken);
        return jobs.ConvertAll(GitHubSyncJobView.From);
    }

    private async Task EnsureAdminAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_github_sync", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
    }

    private async Task EnsurePlanAsync(CancellationToken cancellationToken)
    {
        if (!PlanAllowsSync(await CurrentPlanAsync(db, cancellationToken)))
        {
            throw new ForbiddenException("GitHub sync is part of the Pro and Enterprise plans; this organization is on the Free plan.");
        }
    }

    private static string ToPropertyName(string field) => field switch
    {
        "repository" => nameof(ConfigureGitHubSyncRequest.Repository),
        "branch" => nameof(ConfigureGitHubSyncRequest.Branch),
        _ => nameof(ConfigureGitHubSyncRequest.Token),
    };
}

/// <summary>The process-wide connection pool for GitHub: redirects are never followed by it (Octokit does, past the guard).</summary>
public sealed class GitHubTransport : IDisposable
{
    public HttpMessageHandler Handler { get; } = new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseCookies = false,
    };

    public void Dispose() => Handler.Dispose();
}

/// <summary>The public address of an organization's webhook endpoint (the server knows its PUBLIC_URL).</summary>
public sealed class GitHubWebhookAddress(Uri publicUrl)
{
    public const string PathPrefix = "/webhooks/github/";

    // Appended to the whole base, so a PUBLIC_URL with a path (https://host/ef) keeps it.
    public Uri For(Guid organizationId) => new(publicUrl.AbsoluteUri.TrimEnd('/') + PathPrefix + organizationId.ToString("D"));
}
