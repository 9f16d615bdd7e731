using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Evidence;

/// <summary>What the last look at an evidence link found.</summary>
public enum EvidenceState
{
    /// <summary>Not looked at yet (the link is new, or the item was just completed or reviewed).</summary>
    Pending,

    /// <summary>GitHub has it; for a file, <see cref="EvidenceCheck.LatestCommitSha"/> is its last commit.</summary>
    Resolves,

    /// <summary>GitHub answered that it does not exist, or that the organization's token cannot see it.</summary>
    Missing,

    /// <summary>GitHub could not be asked (refused token, rate limit, outage); <see cref="EvidenceCheck.Message"/> says why, and it is tried again.</summary>
    Failed,

    /// <summary>The organization has no GitHub connection with a token, so nothing was asked.</summary>
    NotConnected,
}

/// <summary>
/// One GitHub evidence link of one checklist item, and what the last look at it found. Kept in step with the item's
/// links by <see cref="EvidenceTracker"/> and checked in the background by <see cref="EvidenceCheckRunner"/>, through
/// the organization's GitHub connection. For a file, <see cref="RecordedCommitSha"/> is the commit it was at when it was
/// first checked after the item was completed or last reviewed; a later check that finds another commit (or no file)
/// marks the Done item's evidence as changed (<see cref="ChecklistItem.EvidenceChangedAt"/>).
/// </summary>
public sealed class EvidenceCheck : IOrganizationOwned
{
    public const int MaxUrlLength = 2000;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ProjectId { get; init; }

    public Guid ChecklistItemId { get; init; }

    public required string Url { get; init; }

    public EvidenceKind Kind { get; init; }

    public EvidenceState State { get; set; } = EvidenceState.Pending;

    /// <summary>For a file: the commit accepted as the evidence (see the class summary). Null until the first look after completion or review.</summary>
    public string? RecordedCommitSha { get; set; }

    /// <summary>For a file: the last commit that touched it, as of <see cref="CheckedAt"/>.</summary>
    public string? LatestCommitSha { get; set; }

    public DateTime? CheckedAt { get; set; }

    /// <summary>Why the last look failed or found nothing, in words safe to show to members; null when it resolved.</summary>
    public string? Message { get; set; }

    /// <summary>When the link is next looked at.</summary>
    public DateTime DueAt { get; set; }

    /// <summary>Failed looks in a row (the retry wait doubles with each); reset by a look that got an answer.</summary>
    public int Failures { get; set; }

    /// <summary>The worker looking at it now, across processes; the lease expires so a crashed worker's claim is taken over.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }
}

/// <summary>What members see of an evidence check.</summary>
public sealed record EvidenceCheckView(
    string Url,
    EvidenceKind Kind,
    EvidenceState State,
    string? RecordedCommitSha,
    string? LatestCommitSha,
    DateTime? CheckedAt,
    string? Message)
{
    /// <summary>The file's last commit is no longer the one recorded (or the file is gone): the evidence changed since it was accepted.</summary>
    public bool Changed => Kind == EvidenceKind.File && RecordedCommitSha is not null && RecordedCommitSha != LatestCommitSha && State is EvidenceState.Resolves or EvidenceState.Missing;

    internal static EvidenceCheckView Of(EvidenceCheck c) => new(c.Url, c.Kind, c.State, c.RecordedCommitSha, c.LatestCommitSha, c.CheckedAt, c.Message);
}

internal sealed class EvidenceCheckConfiguration : IEntityTypeConfiguration<EvidenceCheck>
{
    public void Configure(EntityTypeBuilder<EvidenceCheck> builder)
    {
        builder.ToTable("EvidenceChecks");
        builder.Property(c => c.Url).HasMaxLength(EvidenceCheck.MaxUrlLength);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.RecordedCommitSha).HasMaxLength(64);
        builder.Property(c => c.LatestCommitSha).HasMaxLength(64);
        builder.Property(c => c.Message).HasMaxLength(500);
        builder.Property(c => c.LeaseOwner).HasMaxLength(100);
        builder.HasOne<ChecklistItem>().WithMany().HasForeignKey(c => c.ChecklistItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Organizations.Organization>().WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // Not unique on (item, url): a URL of 2,000 characters may exceed PostgreSQL's index entry limit. One check per link
        // is kept by the tracker instead, which only writes together with the item, under the item's optimistic concurrency.
        builder.HasIndex(c => c.ChecklistItemId);
        builder.HasIndex(c => c.DueAt);
        builder.HasIndex(c => c.OrganizationId);
    }
}
