using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.GitHubSync;

public enum FrameworkCheckState
{
    /// <summary>Queued or running: no result yet.</summary>
    Pending,

    /// <summary>The commit's framework is valid; the diff and the projects it would affect are stored.</summary>
    Valid,

    /// <summary>The commit's framework failed validation; <see cref="FrameworkCheck.Errors"/> says where.</summary>
    Invalid,

    /// <summary>The commit could not be checked (GitHub refused or failed, the connection was removed).</summary>
    Failed,
}

/// <summary>
/// The validation of one commit of the organization's framework repository, without applying it: a push to any branch
/// or a pull request's head. One per organization and commit (a unique index), so a redelivery, a second branch at the
/// same commit or a pull request of an already-pushed commit checks nothing twice and posts no second status.
/// </summary>
/// <remarks>
/// The work runs as a <see cref="GitHubSyncJobKind.Check"/> job on the sync queue (leases, retries, rate limits, the
/// organization's lock: all shared with syncs). The result lives here rather than on the job because a job is a try
/// at some work, retried and re-queued, while the check is what people look at and link to from GitHub; the job's
/// status says how the work went, this row what it found and whether GitHub was told.
/// </remarks>
public sealed class FrameworkCheck : IOrganizationOwned
{
    /// <summary>The context of the commit status, as GitHub shows it next to the commit.</summary>
    public const string StatusContext = "engineering-framework/validate";

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public required string CommitSha { get; init; }

    /// <summary>The branch pushed to, or the pull request's head branch.</summary>
    public string? Branch { get; init; }

    /// <summary>The pull request whose head this is (null for a push).</summary>
    public int? PullRequestNumber { get; init; }

    /// <summary>The organization's effective framework version when the check was requested: the diff is against it.</summary>
    public Guid? BaseVersionId { get; init; }

    public FrameworkCheckState State { get; set; } = FrameworkCheckState.Pending;

    public DateTime RequestedAt { get; init; }

    public DateTime? CheckedAt { get; set; }

    /// <summary>One line for people: what the check found (or why it could not).</summary>
    public string? Message { get; set; }

    public List<GitHubSyncError> Errors { get; set; } = [];

    /// <summary>The total number of errors (only the first few hundred are stored).</summary>
    public int ErrorCount { get; set; }

    public int? ItemCount { get; set; }

    public int? ItemsAdded { get; set; }

    public int? ItemsRemoved { get; set; }

    public int? ItemsChanged { get; set; }

    /// <summary>
    /// The organization's projects that would be offered this framework as an upgrade: not archived, with a checklist
    /// copied from a framework version whose content differs from this commit's (by content hash). A project created
    /// without a framework version is not counted: it has nothing an upgrade could start from.
    /// </summary>
    public int? ProjectsAffected { get; set; }

    /// <summary>The whole <see cref="Frameworks.Diff.FrameworkDiff"/> as JSON, for the preview page.</summary>
    public string? DiffJson { get; set; }

    /// <summary>The commit status sent (<c>success</c> or <c>failure</c>) once GitHub accepted it.</summary>
    public string? StatusState { get; set; }

    public string? StatusDescription { get; set; }

    public DateTime? StatusPostedAt { get; set; }

    /// <summary>
    /// Set (and saved) just before the status is sent: a retry then first asks GitHub whether that status arrived, so
    /// a post whose answer was lost is never repeated.
    /// </summary>
    public bool StatusAttempted { get; set; }

    /// <summary>Why GitHub was not told (the token may not post statuses; GitHub kept failing). The result stands.</summary>
    public string? StatusProblem { get; set; }

    public bool IsFinished => State != FrameworkCheckState.Pending && (StatusPostedAt is not null || StatusProblem is not null || State == FrameworkCheckState.Failed);
}
