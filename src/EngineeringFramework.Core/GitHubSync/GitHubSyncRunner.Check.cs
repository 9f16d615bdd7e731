using System.Globalization;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Projects;
using Microsoft.EntityFrameworkCore;
using Octokit;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// Check jobs: validate one commit without applying it, store what was found, then tell GitHub with one commit status.
/// The result is saved before the status is sent, so a retry (GitHub failing, the worker dying) sends the status only
/// and never checks twice; the attempt is recorded before the status is sent, so a retry first asks GitHub whether the
/// status arrived and never posts a second one.
/// </summary>
public sealed partial class GitHubSyncRunner
{
    /// <summary>GitHub cuts a commit status's description at 140 characters.</summary>
    internal const int MaxStatusDescription = 140;

    private async Task CheckAsync(AppDbContext db, Guid organizationId, GitHubSyncJob job, GitHubRepositoryClient github, CancellationToken cancellationToken)
    {
        var check = await db.FrameworkChecks.SingleAsync(c => c.Id == job.FrameworkCheckId, cancellationToken);
        if (check.State == FrameworkCheckState.Pending)
        {
            await ValidateAsync(db, job, check, github, cancellationToken);
            // The result stands whatever happens to the status below.
            await db.SaveChangesAsync(cancellationToken);
        }

        if (check.StatusPostedAt is null && check.StatusProblem is null && check.State is FrameworkCheckState.Valid or FrameworkCheckState.Invalid)
        {
            await PostStatusAsync(db, organizationId, check, github, cancellationToken);
            job.GitHubRequests = github.Requests;
        }

        var told = check.StatusPostedAt is not null ? "GitHub shows it on the commit." : $"GitHub was not told: {check.StatusProblem}";
        Finish(job, check.State == FrameworkCheckState.Valid ? GitHubSyncStatus.Succeeded : GitHubSyncStatus.Invalid, $"{check.Message} {told}");
    }

    private async Task ValidateAsync(AppDbContext db, GitHubSyncJob job, FrameworkCheck check, GitHubRepositoryClient github, CancellationToken cancellationToken)
    {
        var archive = await github.DownloadTarballAsync(check.CommitSha, cancellationToken);
        job.GitHubRequests = github.Requests;
        var result = FrameworkParser.Parse(FrameworkSource.FromTarGz(new MemoryStream(archive, writable: false)));
        check.CheckedAt = Now();
        if (!result.IsValid)
        {
            check.State = FrameworkCheckState.Invalid;
            check.ErrorCount = result.Errors.Count;
            check.Errors = [.. result.Errors.Take(MaxReportedErrors).Select(e => new GitHubSyncError(e.Location, e.Message))];
            check.Message = $"The framework at {Short(check.CommitSha)} is invalid ({Count(result.Errors.Count, "error")}).";
            return;
        }

        var framework = result.Definition!;
        var reader = new FrameworkVersionReader(db);
        var baseVersionId = check.BaseVersionId ?? (await reader.GetEffectiveAsync(cancellationToken))?.Id;
        var current = baseVersionId is { } id ? await reader.LoadAsync(id, cancellationToken) : null;
        var diff = FrameworkDiffer.Compare(current ?? new FrameworkDefinition([], []), framework);
        var hash = FrameworkHasher.ComputeHash(framework);
        // Each of these projects would be offered the upgrade: not archived, and copied from a framework whose content
        // differs from this commit's. A project without a framework version has nothing to upgrade from.
        var affected = await db.Projects.CountAsync(
            p => p.Status != ProjectStatus.Archived && p.FrameworkVersionId != null
                && db.FrameworkVersions.Any(v => v.Id == p.FrameworkVersionId && v.ContentHash != hash),
            cancellationToken);
        check.State = FrameworkCheckState.Valid;
        check.ItemCount = framework.ItemCount;
        check.ItemsAdded = diff.ItemsAdded;
        check.ItemsRemoved = diff.ItemsRemoved;
        check.ItemsChanged = diff.ItemsChanged;
        check.ProjectsAffected = affected;
        check.DiffJson = JsonSerializer.Serialize(diff, FrameworkCheckService.DiffJson);
        check.Message = $"The framework at {Short(check.CommitSha)} is valid: {diff.Summary}; it would affect {Count(affected, "project")}.";
        job.ItemCount = framework.ItemCount;
        job.CategoryCount = framework.Categories.Length;
        job.SubcategoryCount = framework.SubcategoryCount;
        job.TemplateCount = framework.Templates.Length;
    }

    private async Task PostStatusAsync(AppDbContext db, Guid organizationId, FrameworkCheck check, GitHubRepositoryClient github, CancellationToken cancellationToken)
    {
        var (state, description) = StatusOf(check);
        var target = checkAddress.For(organizationId, check.Id);
        if (check.StatusAttempted && await github.HasStatusAsync(check.CommitSha, state, target, FrameworkCheck.StatusContext, cancellationToken))
        {
            // The earlier try reached GitHub; only its answer was lost.
            MarkPosted(check, state, description);
            return;
        }

        check.StatusAttempted = true;
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await github.PostStatusAsync(check.CommitSha, state, description, target, FrameworkCheck.StatusContext, cancellationToken);
            MarkPosted(check, state, description);
        }
        catch (GitHubStatusRefusedException refused)
        {
            // Not retried: the token lacks the permission, and asking again changes nothing. The check's result stays.
            check.StatusProblem = refused.Message;
        }
    }

    private void MarkPosted(FrameworkCheck check, CommitState state, string description)
    {
        check.StatusState = state == CommitState.Success ? "success" : "failure";
        check.StatusDescription = description;
        check.StatusPostedAt = Now();
    }

    /// <summary>
    /// "valid: +3 items, −1, 5 changed; affects 14 projects" or "invalid: 4 errors (framework.yml: categories[2].slug …)",
    /// at most <see cref="MaxStatusDescription"/> characters.
    /// </summary>
    internal static (CommitState State, string Description) StatusOf(FrameworkCheck check)
    {
        if (check.State == FrameworkCheckState.Valid)
        {
            var summary = check.ItemsAdded + check.ItemsRemoved + check.ItemsChanged == 0
                ? "no item changes"
                : $"+{check.ItemsAdded} {(check.ItemsAdded == 1 ? "item" : "items")}, \u2212{check.ItemsRemoved}, {check.ItemsChanged} changed";
            return (CommitState.Success, Fit($"valid: {summary}; affects {Count(check.ProjectsAffected ?? 0, "project")}"));
        }

        var first = check.Errors.FirstOrDefault();
        var detail = first is null ? string.Empty : $" ({first.Location}: {first.Message})";
        return (CommitState.Failure, Fit($"invalid: {Count(check.ErrorCount, "error")}{detail}"));
    }

    private static string Fit(string text)
    {
        var oneLine = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MaxStatusDescription ? oneLine : oneLine[..(MaxStatusDescription - 1)].TrimEnd() + "\u2026";
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    /// <summary>
    /// A check job that ended without a result (GitHub refused or kept failing, the plan or token went) leaves its check
    /// failed; one that ended after its result was stored but before GitHub was told keeps the result and says why.
    /// </summary>
    private async Task SettleCheckAsync(AppDbContext db, GitHubSyncJob job)
    {
        if (job.Kind != GitHubSyncJobKind.Check || job.Status is not (GitHubSyncStatus.Failed or GitHubSyncStatus.Cancelled))
        {
            return;
        }

        var check = await db.FrameworkChecks.SingleAsync(c => c.Id == job.FrameworkCheckId, CancellationToken.None);
        if (check.State == FrameworkCheckState.Pending)
        {
            check.State = FrameworkCheckState.Failed;
            check.CheckedAt = Now();
            check.Message = job.Message;
        }
        else if (check.StatusPostedAt is null && check.StatusProblem is null)
        {
            check.StatusProblem = job.Message;
        }
    }
}
