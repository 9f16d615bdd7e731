using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.SignOff;

public enum SignOffState
{
    /// <summary>Waiting for a person: the item keeps its status meanwhile and the project's progress does not count it.</summary>
    Awaiting,

    /// <summary>A person confirmed it: the item took the requested status.</summary>
    Confirmed,

    /// <summary>A person sent it back with a comment: the item kept its status.</summary>
    SentBack,

    /// <summary>Overtaken before anyone decided: a later request for the item, or someone set its status directly.</summary>
    Withdrawn,
}

/// <summary>
/// A status an agent asked for under a sign-off policy that needs a person's confirmation (authorization/model.fga,
/// <c>can_set_&lt;status&gt;</c>). At most one per item is <see cref="SignOffState.Awaiting"/>; the item carries the
/// requested status in <see cref="ChecklistItem.AwaitingStatus"/> so that every read of the checklist shows it.
/// </summary>
public sealed class SignOffRequest : IOrganizationOwned, Data.IVersioned
{
    public const int RationaleLength = 4_000;
    public const int CommentLength = 2_000;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ProjectId { get; init; }

    public Guid ChecklistItemId { get; init; }

    public ChecklistItemStatus Status { get; init; }

    public string? NotApplicableReason { get; init; }

    /// <summary>Why the agent thinks the status is right (markdown, rendered sanitized).</summary>
    public string? Rationale { get; init; }

    /// <summary>The person the agent acts for.</summary>
    public Guid RequestedByUserId { get; init; }

    public Surface Surface { get; init; }

    /// <summary>The agent (MCP client) that asked.</summary>
    public string? Client { get; init; }

    public DateTime RequestedAt { get; init; }

    public SignOffState State { get; set; } = SignOffState.Awaiting;

    public Guid? DecidedByUserId { get; set; }

    public DateTime? DecidedAt { get; set; }

    /// <summary>The person's comment: required when sending back, optional when confirming.</summary>
    public string? Comment { get; set; }

    public long Version { get; set; } = 1;
}

internal sealed class SignOffRequestConfiguration : IEntityTypeConfiguration<SignOffRequest>
{
    public void Configure(EntityTypeBuilder<SignOffRequest> builder)
    {
        builder.Property(r => r.NotApplicableReason).HasMaxLength(2000);
        builder.Property(r => r.Rationale).HasMaxLength(SignOffRequest.RationaleLength);
        builder.Property(r => r.Comment).HasMaxLength(SignOffRequest.CommentLength);
        builder.Property(r => r.Client).HasMaxLength(200);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ChecklistItem>().WithMany().HasForeignKey(r => r.ChecklistItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.OrganizationId, r.ProjectId, r.State });
        builder.HasIndex(r => new { r.ChecklistItemId, r.State });
        builder.HasIndex(r => new { r.OrganizationId, r.RequestedByUserId, r.State });
    }
}
