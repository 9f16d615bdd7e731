using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Checklists;

internal sealed class ChecklistItemConfiguration : IEntityTypeConfiguration<ChecklistItem>
{
    public void Configure(EntityTypeBuilder<ChecklistItem> builder)
    {
        builder.Property(i => i.ItemSlug).HasMaxLength(100);
        builder.Property(i => i.Name).HasMaxLength(300);
        builder.Property(i => i.CategorySlug).HasMaxLength(100);
        builder.Property(i => i.CategoryName).HasMaxLength(300);
        builder.Property(i => i.SubcategorySlug).HasMaxLength(100);
        builder.Property(i => i.SubcategoryName).HasMaxLength(300);
        builder.Property(i => i.TemplateSlug).HasMaxLength(100);
        builder.Property(i => i.NotApplicableReason).HasMaxLength(2000);
        builder.Property(i => i.Notes).HasMaxLength(20000);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(i => i.AssigneeUserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(i => new { i.ProjectId, i.ItemSlug }).IsUnique();
        builder.HasIndex(i => new { i.OrganizationId, i.AssigneeUserId });
    }
}
