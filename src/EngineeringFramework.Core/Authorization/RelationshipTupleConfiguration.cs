using EngineeringFramework.Core.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Authorization;

internal sealed class RelationshipTupleConfiguration : IEntityTypeConfiguration<RelationshipTuple>
{
    public void Configure(EntityTypeBuilder<RelationshipTuple> builder)
    {
        builder.Property(t => t.Object).HasMaxLength(256);
        builder.Property(t => t.Relation).HasMaxLength(64);
        builder.Property(t => t.User).HasMaxLength(320);
        builder.HasIndex(t => new { t.Object, t.Relation, t.User }).IsUnique();
        builder.HasIndex(t => t.OrganizationId);
        // No foreign key cascade: deleting an organization deletes its tuples explicitly, so that each
        // deletion is also recorded in the outbox and no engine keeps a permission its data lost.
    }
}

internal sealed class TupleChangeConfiguration : IEntityTypeConfiguration<TupleChange>
{
    public void Configure(EntityTypeBuilder<TupleChange> builder)
    {
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).ValueGeneratedOnAdd();
        builder.Property(c => c.Object).HasMaxLength(256);
        builder.Property(c => c.Relation).HasMaxLength(64);
        builder.Property(c => c.User).HasMaxLength(320);
        builder.HasIndex(c => c.DeliveredAt);
    }
}
