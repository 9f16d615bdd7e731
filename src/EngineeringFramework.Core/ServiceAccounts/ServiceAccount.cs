using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.ServiceAccounts;

/// <summary>
/// Automation that works in one organization without a person's browser: a CI pipeline recording "load test passed" with
/// its evidence. It acts as its own <see cref="User"/> (<see cref="User.IsServiceAccount"/>), so every change it makes is
/// attributed to it and every permission it has is a relationship like anyone's: <c>member</c> of its organization, the
/// assignee of its role template, granted MCP access, and <c>acting_through_agent</c> as a stored tuple, so the
/// organization's sign-off policy treats it as an agent on every surface (authorization/model.fga). It has no membership
/// row: it never appears among the members, never counts as an admin, and cannot be invited anywhere else.
/// </summary>
public sealed class ServiceAccount : IOrganizationOwned, Data.IVersioned
{
    public const int NameLength = 100;
    public const int DescriptionLength = 500;

    /// <summary>The longest an account may live: a year and a day, so a yearly rotation fits.</summary>
    public static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(366);

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    /// <summary>The account's own user: the subject of its tokens, the author of its changes.</summary>
    public Guid UserId { get; init; }

    public User? User { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>After this instant every token of the account is refused on its next request.</summary>
    public DateTime ExpiresAt { get; set; }

    public Guid CreatedByUserId { get; init; }

    public DateTime CreatedAt { get; init; }

    public long Version { get; set; } = 1;
}

/// <summary>
/// An API token of a <see cref="ServiceAccount"/>. The secret is shown once, when it is made; only its SHA-256 is kept
/// (<see cref="ServiceAccountTokenSecret"/>), with a short prefix so people can tell their tokens apart.
/// </summary>
public sealed class ServiceAccountToken : IOrganizationOwned
{
    public const int NameLength = 100;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ServiceAccountId { get; init; }

    public ServiceAccount? ServiceAccount { get; init; }

    public required string Name { get; init; }

    /// <summary>SHA-256 of the whole secret, hex: enough for a 256-bit random secret (no password to guess).</summary>
    public required string Hash { get; init; }

    /// <summary>The secret's first characters ("efsa_AbCd…"), shown in lists.</summary>
    public required string Prefix { get; init; }

    public Guid CreatedByUserId { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>When the token last authenticated a request, to the minute (<see cref="ServiceAccountTokens.LastUseResolution"/>).</summary>
    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>The shape of a token's secret: a marker the server routes by, then 32 random bytes.</summary>
public static class ServiceAccountTokenSecret
{
    /// <summary>Every secret starts with it, so the server (and secret scanners) can tell one from a JWT at a glance.</summary>
    public const string Marker = "efsa_";

    private const int PrefixLength = 12;

    public static string New() => Marker + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool LooksLikeOne(ReadOnlySpan<char> value) => value.StartsWith(Marker, StringComparison.Ordinal);

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string PrefixOf(string secret) => secret[..Math.Min(PrefixLength, secret.Length)];
}

internal sealed class ServiceAccountConfiguration : IEntityTypeConfiguration<ServiceAccount>
{
    public void Configure(EntityTypeBuilder<ServiceAccount> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(ServiceAccount.NameLength);
        builder.Property(a => a.Description).HasMaxLength(ServiceAccount.DescriptionLength);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.UserId).IsUnique();
        builder.HasIndex(a => new { a.OrganizationId, a.Name }).IsUnique();
    }
}

internal sealed class ServiceAccountTokenConfiguration : IEntityTypeConfiguration<ServiceAccountToken>
{
    public void Configure(EntityTypeBuilder<ServiceAccountToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(ServiceAccountToken.NameLength);
        builder.Property(t => t.Hash).HasMaxLength(64);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => new { t.OrganizationId, t.ServiceAccountId });
        builder.HasOne<Organization>().WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(t => t.ServiceAccount).WithMany().HasForeignKey(t => t.ServiceAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
