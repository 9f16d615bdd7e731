using EngineeringFramework.Core.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EngineeringFramework.Core.Frameworks.Versions;

internal sealed class FrameworkVersionConfiguration : IEntityTypeConfiguration<FrameworkVersion>
{
    public void Configure(EntityTypeBuilder<FrameworkVersion> builder)
    {
        builder.Property(v => v.ContentHash).HasMaxLength(64);
        builder.Property(v => v.Source).HasMaxLength(100);
        builder.Property(v => v.SourceUrl).HasMaxLength(500);
        builder.HasIndex(v => new { v.OrganizationId, v.ContentHash });
        builder.HasIndex(v => new { v.OrganizationId, v.IsCurrent });
        builder.HasOne<Organization>().WithMany().HasForeignKey(v => v.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(v => v.Categories).WithOne().HasForeignKey(c => c.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(v => v.Templates).WithOne().HasForeignKey(t => t.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FrameworkVersionCategoryConfiguration : IEntityTypeConfiguration<FrameworkVersionCategory>
{
    public void Configure(EntityTypeBuilder<FrameworkVersionCategory> builder)
    {
        builder.Property(c => c.Slug).HasMaxLength(100);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Description).HasMaxLength(4000);
        builder.HasIndex(c => new { c.FrameworkVersionId, c.Slug }).IsUnique();
        builder.HasMany(c => c.Subcategories).WithOne().HasForeignKey(s => s.CategoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FrameworkVersionSubcategoryConfiguration : IEntityTypeConfiguration<FrameworkVersionSubcategory>
{
    public void Configure(EntityTypeBuilder<FrameworkVersionSubcategory> builder)
    {
        builder.Property(s => s.Slug).HasMaxLength(100);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Description).HasMaxLength(4000);
        builder.HasIndex(s => new { s.CategoryId, s.Slug }).IsUnique();
        builder.HasMany(s => s.Items).WithOne().HasForeignKey(i => i.SubcategoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FrameworkVersionItemConfiguration : IEntityTypeConfiguration<FrameworkVersionItem>
{
    public void Configure(EntityTypeBuilder<FrameworkVersionItem> builder)
    {
        builder.Property(i => i.Slug).HasMaxLength(100);
        builder.Property(i => i.Name).HasMaxLength(200);
        builder.Property(i => i.TemplateSlug).HasMaxLength(100);
        builder.HasIndex(i => new { i.FrameworkVersionId, i.Slug }).IsUnique();
        builder.HasOne<FrameworkVersion>().WithMany().HasForeignKey(i => i.FrameworkVersionId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class FrameworkVersionTemplateConfiguration : IEntityTypeConfiguration<FrameworkVersionTemplate>
{
    public void Configure(EntityTypeBuilder<FrameworkVersionTemplate> builder)
    {
        builder.Property(t => t.Slug).HasMaxLength(100);
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.HasIndex(t => new { t.FrameworkVersionId, t.Slug }).IsUnique();
    }
}
