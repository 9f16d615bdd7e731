using System.Text.Json.Nodes;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Evidence;

/// <summary>
/// Looks at due evidence links on GitHub, through each organization's own connection token, and records what it found.
/// A worker claims each check with one conditional UPDATE (a lease, so two workers in any number of processes never look
/// at the same link at once, and a crashed worker's claim is taken over when it expires), asks GitHub, then writes the
/// answer and releases the claim in one statement. For a file whose last commit is no longer the recorded one (or which
/// is gone), the Done item is flagged (<see cref="ChecklistItem.EvidenceChangedAt"/>) once and the history says so; the
/// item's status is never touched.
/// </summary>
/// <remarks>
/// The check uses the organization's token, which may read repositories a member cannot: a member learns only whether
/// a link they typed resolves for that token, and the sha of its last commit, inside their own organization.
/// </remarks>
public sealed partial class EvidenceCheckRunner(
    IServiceScopeFactory scopes,
    GitHubSyncOptions options,
    GitHubTransport transport,
    TimeProvider time,
    ILogger<EvidenceCheckRunner> logger)
{
    public const string EvidenceChangedAction = "checklist_item.evidence_changed";

    /// <summary>Longer than one look can take (one request at its timeout), so a live worker's claim never expires under it.</summary>
    private TimeSpan Lease => options.RequestTimeout * 3;

    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}" is var id && id.Length > 100 ? id[^100..] : id;

    /// <summary>Looks at every check due now, round after round, until none is left; returns how many it looked at.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (await RunRoundAsync(cancellationToken) is var ran and > 0)
        {
            total += ran;
        }

        return total;
    }

    private async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        List<(Guid Id, Guid OrganizationId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // The worker serves every organization: it reads the due list across tenants, then acts inside each one.
            due = [.. (await db.EvidenceChecks.BypassTenantFilter().AsNoTracking()
                .Where(c => c.DueAt <= now && (c.LeaseUntil == null || c.LeaseUntil < now))
                .OrderBy(c => c.DueAt)
                .Select(c => new { c.Id, c.OrganizationId })
                .Take(options.EvidenceChecksPerRound)
                .ToListAsync(cancellationToken)).Select(c => (c.Id, c.OrganizationId))];
        }

        var looked = 0;
        foreach (var organization in due.GroupBy(c => c.OrganizationId))
        {
            looked += await RunForOrganizationAsync(organization.Key, [.. organization.Select(c => c.Id)], cancellationToken);
        }

        return looked;
    }

    private async Task<int> RunForOrganizationAsync(Guid organizationId, List<Guid> ids, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(organizationId);
        var settings = await db.GitHubSyncSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        string? token = null;
        if (settings?.TokenCiphertext is { } sealedToken)
        {
            try
            {
                token = scope.ServiceProvider.GetRequiredService<GitHubSecrets>().OpenToken(organizationId, sealedToken);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                LogTokenUnreadable(logger, organizationId, ex);
            }
        }

        var looked = 0;
        foreach (var id in ids)
        {
            var now = Now();
            var leaseUntil = now + Lease;
            var claimed = await db.EvidenceChecks
                .Where(c => c.Id == id && c.DueAt <= now && (c.LeaseUntil == null || c.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, WorkerId).SetProperty(c => c.LeaseUntil, leaseUntil), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            var check = await db.EvidenceChecks.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (check is null)
            {
                continue;
            }

            var found = settings is null || token is null
                ? new Finding(EvidenceState.NotConnected, null, "GitHub is not connected with a token in this organization's settings, so the link was not checked.")
                : await LookAsync(settings, token, check.Url, cancellationToken);
            await RecordAsync(db, check, found, cancellationToken);
            looked++;
        }

        return looked;
    }

    private sealed record Finding(EvidenceState State, string? CommitSha, string? Message, TimeSpan? RetryAfter = null);

    private async Task<Finding> LookAsync(GitHubSyncSettings settings, string token, string url, CancellationToken cancellationToken)
    {
        if (GitHubEvidenceLink.TryParse(url, options.WebRoot) is not { } link)
        {
            // The server's GitHub address changed since the link was tracked.
            return new(EvidenceState.Missing, null, "The link is not on the GitHub this server is connected to.");
        }

        using var client = new GitHubRepositoryClient(options, transport.Handler, link.Owner, link.Repository, token, time);
        try
        {
            switch (link.Kind)
            {
                case EvidenceKind.File:
                    var sha = await client.LastCommitOfPathAsync(link.Reference!, link.Path!, cancellationToken);
                    return sha is null
                        ? new(EvidenceState.Missing, null, $"GitHub has no '{link.Path}' at '{link.Reference}' in {link.Owner}/{link.Repository}, or the organization's token cannot read it.")
                        : new(EvidenceState.Resolves, sha, null);
                case EvidenceKind.PullRequest:
                    var state = await client.PullRequestStateAsync(link.Number!.Value, cancellationToken);
                    return state is null
                        ? new(EvidenceState.Missing, null, $"GitHub has no pull request #{link.Number} in {link.Owner}/{link.Repository}, or the organization's token cannot read it.")
                        : new(EvidenceState.Resolves, null, $"Pull request {state}.");
                default:
                    var commit = await client.CommitShaAsync(link.Reference!, cancellationToken);
                    return commit is null
                        ? new(EvidenceState.Missing, null, $"GitHub has no commit {link.Reference} in {link.Owner}/{link.Repository}, or the organization's token cannot read it.")
                        : new(EvidenceState.Resolves, null, null);
            }
        }
        catch (GitHubAccessException ex)
        {
            return new(EvidenceState.Failed, null, ex.Message, ex.Transient ? ex.RetryAfter ?? TimeSpan.Zero : null);
        }
    }

    /// <summary>Writes what the look found and releases the claim, then flags the Done item if its file changed.</summary>
    private async Task RecordAsync(AppDbContext db, EvidenceCheck check, Finding found, CancellationToken cancellationToken)
    {
        var now = Now();
        var answered = found.State is EvidenceState.Resolves or EvidenceState.Missing;
        var failures = answered ? 0 : check.Failures + 1;
        var next = now + found switch
        {
            { State: EvidenceState.Failed, RetryAfter: { } wait } => Backoff(failures, wait),
            _ => options.EvidenceRecheckInterval,
        };
        var state = found.State;
        var latest = found.State == EvidenceState.Resolves ? found.CommitSha : null;
        var message = found.Message is { Length: > 500 } long_ ? long_[..500] : found.Message;
        var isFile = check.Kind == EvidenceKind.File;
        var written = await db.EvidenceChecks
            .Where(c => c.Id == check.Id && c.LeaseOwner == WorkerId)
            .ExecuteUpdateAsync(
                u => u.SetProperty(c => c.State, state)
                    .SetProperty(c => c.LatestCommitSha, c => answered ? latest : c.LatestCommitSha)
                    // A file's first answer after completion or review is what later answers are compared with.
                    .SetProperty(c => c.RecordedCommitSha, c => isFile && c.RecordedCommitSha == null && state == EvidenceState.Resolves ? latest : c.RecordedCommitSha)
                    .SetProperty(c => c.CheckedAt, now)
                    .SetProperty(c => c.Message, message)
                    .SetProperty(c => c.Failures, failures)
                    .SetProperty(c => c.DueAt, next)
                    .SetProperty(c => c.LeaseOwner, (string?)null)
                    .SetProperty(c => c.LeaseUntil, (DateTime?)null),
                cancellationToken);
        if (written == 0 || !isFile || !answered)
        {
            // The link was removed meanwhile, our claim expired and another worker took it, or GitHub gave no answer.
            return;
        }

        var after = await db.EvidenceChecks.AsNoTracking().SingleOrDefaultAsync(c => c.Id == check.Id, cancellationToken);
        if (after?.RecordedCommitSha is not { } recorded || recorded == after.LatestCommitSha)
        {
            return;
        }

        var flagged = await db.ChecklistItems
            .Where(i => i.Id == check.ChecklistItemId && i.Status == ChecklistItemStatus.Done && i.EvidenceChangedAt == null && i.RetiredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.EvidenceChangedAt, now), cancellationToken);
        if (flagged == 0)
        {
            return;
        }

        db.ActivityEntries.Add(new ActivityEntry
        {
            OrganizationId = check.OrganizationId,
            ProjectId = check.ProjectId,
            ChecklistItemId = check.ChecklistItemId,
            UserId = Guid.Empty,
            Surface = Surface.System,
            Action = EvidenceChangedAction,
            ChangesJson = ChecklistItemChangeSet.ToJson(new JsonObject
            {
                ["evidence"] = ChecklistItemChangeSet.FromTo(null, ChecklistItemChangeSet.Shorten(check.Url)),
                ["commit"] = ChecklistItemChangeSet.FromTo(recorded, after.LatestCommitSha),
            }),
            At = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private TimeSpan Backoff(int failures, TimeSpan asked)
    {
        var doubled = options.RetryDelay * Math.Pow(2, Math.Min(failures - 1, 10));
        var wait = asked > doubled ? asked : doubled;
        return wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait;
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The GitHub token of organization {OrganizationId} cannot be opened with the current encryption key; its evidence links are not checked")]
    private static partial void LogTokenUnreadable(ILogger logger, Guid organizationId, Exception exception);
}
