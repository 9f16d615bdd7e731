using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.AuthSubject).HasMaxLength(255);
        builder.HasIndex(u => u.AuthSubject).IsUnique();
        builder.Property(u => u.Email).HasMaxLength(320);
        builder.HasIndex(u => u.Email);
        builder.Property(u => u.DisplayName).HasMaxLength(200);
    }
}

internal sealed class DeletedAccountConfiguration : IEntityTypeConfiguration<DeletedAccount>
{
    public void Configure(EntityTypeBuilder<DeletedAccount> builder)
    {
        builder.HasKey(d => d.AuthSubject);
        builder.Property(d => d.AuthSubject).HasMaxLength(255);
    }
}
