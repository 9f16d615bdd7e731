using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Projects;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Description).HasMaxLength(4000);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // A department's projects are never silently destroyed: the delete use case decides (move or delete)
        // explicitly. NO ACTION (checked at the end of the statement) rather than RESTRICT, so that deleting
        // the whole organization can still cascade through departments and projects in one statement.
        builder.HasOne<Department>().WithMany().HasForeignKey(p => p.DepartmentId).OnDelete(DeleteBehavior.NoAction);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.LeadUserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(p => p.ChecklistItems).WithOne().HasForeignKey(i => i.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.OrganizationId, p.DepartmentId });
    }
}
