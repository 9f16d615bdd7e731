using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.DataProtection;

/// <summary>
/// One element of the ASP.NET Core data-protection key ring (a key or a revocation), as
/// <see cref="DatabaseKeyRepository"/> stores it in table <c>DataProtectionKeys</c>. A key's secret part is sealed by
/// <see cref="KeyRingSeal"/> before it reaches this row, so <see cref="Xml"/> never holds key material in clear.
/// </summary>
/// <remarks>Not organization-owned: the ring serves the whole deployment, so no tenant filter applies.</remarks>
public sealed class KeyRingEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The name data protection gives the element (<c>key-{id}</c>), for an operator reading the table.</summary>
    public string? FriendlyName { get; init; }

    public required string Xml { get; init; }
}

internal sealed class KeyRingEntryConfiguration : IEntityTypeConfiguration<KeyRingEntry>
{
    public void Configure(EntityTypeBuilder<KeyRingEntry> builder)
    {
        builder.ToTable("DataProtectionKeys");
        builder.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}
