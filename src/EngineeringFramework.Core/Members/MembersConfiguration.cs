using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Members;

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(320);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => new { i.OrganizationId, i.Email });
        builder.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleTemplateConfiguration : IEntityTypeConfiguration<RoleTemplate>
{
    public void Configure(EntityTypeBuilder<RoleTemplate> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(100);
        builder.Property(r => r.Description).HasMaxLength(1000);
        builder.Property(r => r.PermissionsJson).HasMaxLength(4000);
        builder.Property(r => r.PermissionsHash).HasMaxLength(64);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.OrganizationId, r.Name }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleAssignmentConfiguration : IEntityTypeConfiguration<RoleAssignment>
{
    public void Configure(EntityTypeBuilder<RoleAssignment> builder)
    {
        builder.HasIndex(a => new { a.RoleTemplateId, a.UserId }).IsUnique();
        builder.HasIndex(a => new { a.OrganizationId, a.UserId });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<RoleTemplate>().WithMany().HasForeignKey(a => a.RoleTemplateId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> builder)
    {
        builder.Property(a => a.Client).HasMaxLength(200);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.ChangesJson).HasMaxLength(40000);
        builder.HasIndex(a => new { a.OrganizationId, a.ProjectId, a.At });
        builder.HasIndex(a => new { a.ChecklistItemId, a.At });
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Project>().WithMany().HasForeignKey(a => a.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ChecklistItem>().WithMany().HasForeignKey(a => a.ChecklistItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
