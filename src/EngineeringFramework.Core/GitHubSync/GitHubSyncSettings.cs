using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>
/// One organization's connection to its framework repository. The token and the webhook secret are stored
/// only as <see cref="Crypto.SecretBox"/> ciphertext bound to the organization and their purpose; no API,
/// page or log ever carries them back out (the webhook secret is shown to admins on request, the token never).
/// </summary>
public sealed class GitHubSyncSettings : IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    public required string Owner { get; set; }

    public required string Repository { get; set; }

    public required string Branch { get; set; }

    /// <summary>The personal access token, sealed (purpose <see cref="GitHubSecrets.TokenPurpose"/>); null once removed.</summary>
    public byte[]? TokenCiphertext { get; set; }

    public DateTime? TokenSetAt { get; set; }

    public Guid? TokenSetBy { get; set; }

    /// <summary>The webhook secret, sealed (purpose <see cref="GitHubSecrets.WebhookSecretPurpose"/>).</summary>
    public required byte[] WebhookSecretCiphertext { get; set; }

    public DateTime WebhookSecretCreatedAt { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>The commit whose framework is the organization's current one (the last successful sync).</summary>
    public string? SyncedCommitSha { get; set; }

    public DateTime? SyncedAt { get; set; }

    /// <summary>
    /// Set when GitHub said, as the token was saved, that the token cannot post commit statuses: pushes are still checked,
    /// but GitHub will not show the result. Null when it can.
    /// </summary>
    public string? StatusWarning { get; set; }

    /// <summary>
    /// The organization-wide sync lock: a worker takes it with a conditional update of this one row, so two
    /// syncs of one organization never run at once, across threads, processes and servers. It expires, so a
    /// crashed worker's lock is taken over.
    /// </summary>
    public string? LockOwner { get; set; }

    public DateTime? LockedUntil { get; set; }
}

