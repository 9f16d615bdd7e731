using EngineeringFramework.Core.Organizations;
using FluentValidation;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// Connects (or reconnects) the organization's framework repository. <see cref="Token"/> is write-only: a
/// value replaces the stored token once GitHub accepted it; null keeps the stored token (checked with GitHub
/// again), but only while <see cref="Owner"/>, <see cref="Repository"/> and <see cref="Branch"/> stay as they
/// are. Changing any of them requires the token again, so a token is never used for a source it was not
/// entered for (see <see cref="GitHubSyncService.ConfigureAsync"/>).
/// </summary>
public sealed record ConfigureGitHubSyncRequest(string? Owner, string? Repository, string? Branch, string? Token);

public sealed record GitHubSyncView(
    Plan Plan,
    bool PlanAllowsSync,
    bool Configured,
    string? Owner,
    string? Repository,
    string? Branch,
    bool HasToken,
    DateTime? TokenSetAt,
    Uri? WebhookUrl,
    DateTime? WebhookSecretCreatedAt,
    string? SyncedCommitSha,
    DateTime? SyncedAt,
    IReadOnlyList<GitHubSyncJobView> RecentJobs,
    string? StatusWarning,
    IReadOnlyList<FrameworkCheckSummary> RecentChecks);

public sealed record GitHubSyncJobView(
    Guid Id,
    GitHubSyncTrigger Trigger,
    GitHubSyncStatus Status,
    DateTime EnqueuedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? CommitSha,
    int GitHubRequests,
    int? CategoryCount,
    int? SubcategoryCount,
    int? ItemCount,
    int? TemplateCount,
    string? Message,
    IReadOnlyList<GitHubSyncError> Errors,
    DateTime? RetryAt)
{
    internal static GitHubSyncJobView From(GitHubSyncJob job) => new(
        job.Id, job.Trigger, job.Status, job.EnqueuedAt, job.StartedAt, job.FinishedAt, job.CommitSha, job.GitHubRequests,
        job.CategoryCount, job.SubcategoryCount, job.ItemCount, job.TemplateCount, job.Message, job.Errors, job.RetryAt);
}

/// <summary>The webhook an admin pastes into GitHub: the payload URL and the secret (shown to admins only, on request).</summary>
public sealed record GitHubWebhookView(Uri Url, string Secret, DateTime SecretCreatedAt);

internal sealed class ConfigureGitHubSyncValidator : AbstractValidator<ConfigureGitHubSyncRequest>
{
    public const int MaxTokenLength = 1000;

    public ConfigureGitHubSyncValidator()
    {
        RuleFor(r => r.Owner).NotEmpty().WithMessage("The repository owner is required.")
            .Must(o => GitHubNames.Owner().IsMatch(o!)).When(r => !string.IsNullOrEmpty(r.Owner), ApplyConditionTo.CurrentValidator)
            .WithMessage("The owner must be a GitHub user or organization name (letters, digits and single hyphens, at most 39 characters).");
        RuleFor(r => r.Repository).NotEmpty().WithMessage("The repository name is required.")
            .Must(n => GitHubNames.Repository().IsMatch(n!)).When(r => !string.IsNullOrEmpty(r.Repository), ApplyConditionTo.CurrentValidator)
            .WithMessage("The repository name may contain letters, digits, '.', '-' and '_' (at most 100 characters).");
        RuleFor(r => r.Branch).NotEmpty().WithMessage("The branch is required.")
            .Must(b => GitHubNames.IsValidBranch(b!)).When(r => !string.IsNullOrEmpty(r.Branch), ApplyConditionTo.CurrentValidator)
            .WithMessage("The branch is not a valid git branch name.");
        RuleFor(r => r.Token!)
            .Must(t => t.Trim().Length > 0 && t.Trim().Length <= MaxTokenLength && t.Trim().All(c => c > ' ' && c < 0x7f))
            .When(r => r.Token is not null)
            .WithMessage("The token must be a GitHub personal access token (printable characters, no spaces).");
    }
}
