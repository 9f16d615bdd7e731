using System.Text.Json;
using EngineeringFramework.Core.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.GitHubSync;

internal sealed class GitHubSyncSettingsConfiguration : IEntityTypeConfiguration<GitHubSyncSettings>
{
    public void Configure(EntityTypeBuilder<GitHubSyncSettings> builder)
    {
        builder.ToTable("GitHubSyncSettings");
        builder.HasKey(s => s.OrganizationId);
        builder.Property(s => s.Owner).HasMaxLength(GitHubNames.MaxOwnerLength);
        builder.Property(s => s.Repository).HasMaxLength(GitHubNames.MaxRepositoryLength);
        builder.Property(s => s.Branch).HasMaxLength(GitHubNames.MaxBranchLength);
        builder.Property(s => s.SyncedCommitSha).HasMaxLength(64);
        builder.Property(s => s.LockOwner).HasMaxLength(100);
        builder.Property(s => s.StatusWarning).HasMaxLength(500);
        builder.HasOne<Organization>().WithOne().HasForeignKey<GitHubSyncSettings>(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GitHubSyncJobConfiguration : IEntityTypeConfiguration<GitHubSyncJob>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<GitHubSyncJob> builder)
    {
        builder.ToTable("GitHubSyncJobs");
        builder.Property(j => j.DeliveryId).HasMaxLength(100);
        builder.Property(j => j.LeaseOwner).HasMaxLength(100);
        builder.Property(j => j.CommitSha).HasMaxLength(64);
        builder.Property(j => j.Message).HasMaxLength(2000);
        builder.HasOne<FrameworkCheck>().WithMany().HasForeignKey(j => j.FrameworkCheckId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(j => j.Errors)
            .HasConversion(
                errors => JsonSerializer.Serialize(errors, Json),
                json => JsonSerializer.Deserialize<List<GitHubSyncError>>(json, Json) ?? new List<GitHubSyncError>(),
                new ValueComparer<List<GitHubSyncError>>(
                    (a, b) => a!.SequenceEqual(b!),
                    errors => errors.Aggregate(0, (hash, e) => HashCode.Combine(hash, e.GetHashCode())),
                    errors => errors.ToList()));
        builder.Ignore(j => j.IsFinished);
        builder.HasOne<Organization>().WithMany().HasForeignKey(j => j.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(j => new { j.Status, j.EnqueuedAt });
        builder.HasIndex(j => new { j.OrganizationId, j.EnqueuedAt });
    }
}

internal sealed class FrameworkCheckConfiguration : IEntityTypeConfiguration<FrameworkCheck>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<FrameworkCheck> builder)
    {
        builder.ToTable("FrameworkChecks");
        builder.Property(c => c.CommitSha).HasMaxLength(64);
        builder.Property(c => c.Branch).HasMaxLength(GitHubNames.MaxBranchLength);
        builder.Property(c => c.Message).HasMaxLength(2000);
        builder.Property(c => c.StatusState).HasMaxLength(16);
        builder.Property(c => c.StatusDescription).HasMaxLength(200);
        builder.Property(c => c.StatusProblem).HasMaxLength(1000);
        builder.Property(c => c.Errors)
            .HasConversion(
                errors => JsonSerializer.Serialize(errors, Json),
                json => JsonSerializer.Deserialize<List<GitHubSyncError>>(json, Json) ?? new List<GitHubSyncError>(),
                new ValueComparer<List<GitHubSyncError>>(
                    (a, b) => a!.SequenceEqual(b!),
                    errors => errors.Aggregate(0, (hash, e) => HashCode.Combine(hash, e.GetHashCode())),
                    errors => errors.ToList()));
        builder.Ignore(c => c.IsFinished);
        builder.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // One check per commit and organization, even when two deliveries of it arrive at once.
        builder.HasIndex(c => new { c.OrganizationId, c.CommitSha }).IsUnique();
        builder.HasIndex(c => new { c.OrganizationId, c.RequestedAt });
    }
}

internal sealed class GitHubWebhookDeliveryConfiguration : IEntityTypeConfiguration<GitHubWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<GitHubWebhookDelivery> builder)
    {
        builder.ToTable("GitHubWebhookDeliveries");
        builder.Property(d => d.DeliveryId).HasMaxLength(100);
        builder.HasOne<Organization>().WithMany().HasForeignKey(d => d.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // The unique index is what makes a redelivery a no-op, even when two copies arrive at once.
        builder.HasIndex(d => new { d.OrganizationId, d.DeliveryId }).IsUnique();
        builder.HasIndex(d => d.ReceivedAt);
    }
}
