using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Frameworks.Versions;

internal sealed record FrameworkImportResult(FrameworkVersion Version, bool Created, bool BecameCurrent);

/// <summary>Where a version came from and who made it, as its version list shows.</summary>
/// <param name="Source"><c>builtin</c>, <c>import</c>, <c>edit</c> or <c>github:{sha}</c>.</param>
/// <param name="ByUserId">The person whose action imported it, when a person did.</param>
/// <param name="Url">A page showing the content at its source (a GitHub commit).</param>
internal sealed record FrameworkOrigin(string Source, Guid? ByUserId = null, string? Url = null)
{
    /// <summary>Most importers know only the kind of source.</summary>
    public static implicit operator FrameworkOrigin(string source) => new(source);
}

/// <summary>
/// Turns a validated <see cref="FrameworkDefinition"/> into an immutable framework version and makes it
/// current for its scope (the system, or one organization), all in one transaction. Importing content
/// that is already stored (same hash) creates nothing; it only makes that version current again.
/// </summary>
internal sealed class FrameworkImporter(AppDbContext db, TimeProvider time)
{
    public async Task<FrameworkImportResult> ImportAsync(FrameworkDefinition framework, Guid? organizationId, FrameworkOrigin origin, CancellationToken cancellationToken)
        => await ImportAsync(framework, organizationId, origin, makeCurrent: _ => true, cancellationToken);

    /// <param name="makeCurrent">Decides, given the scope's current version (or null), whether the imported one replaces it.</param>
    public async Task<FrameworkImportResult> ImportAsync(FrameworkDefinition framework, Guid? organizationId, FrameworkOrigin origin, Func<FrameworkVersion?, bool> makeCurrent, CancellationToken cancellationToken)
    {
        var hash = FrameworkHasher.ComputeHash(framework);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            // The scope is named explicitly by the caller (system task or the organization's own sync),
            // so the tenant filter is bypassed and replaced by the same predicate written out.
            var versions = await db.FrameworkVersions.BypassTenantFilter()
                .Where(v => v.OrganizationId == organizationId)
                .ToListAsync(cancellationToken);

            var version = versions.FirstOrDefault(v => v.ContentHash == hash);
            var created = version is null;
            if (version is null)
            {
                version = Build(framework, organizationId, origin, hash);
                db.FrameworkVersions.Add(version);
            }

            var current = versions.FirstOrDefault(v => v.IsCurrent);
            var becameCurrent = !version.IsCurrent && makeCurrent(current);
            if (becameCurrent)
            {
                foreach (var other in versions.Where(v => v.IsCurrent && v != version))
                {
                    other.IsCurrent = false;
                }

                version.IsCurrent = true;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new FrameworkImportResult(version, created, becameCurrent);
        });
    }

    /// <summary>The version's rows, not yet added (an organization import adds them to its own unit of work).</summary>
    internal FrameworkVersion Build(FrameworkDefinition framework, Guid? organizationId, FrameworkOrigin origin, string hash)
    {
        var version = new FrameworkVersion
        {
            OrganizationId = organizationId,
            ContentHash = hash,
            Source = origin.Source,
            ImportedByUserId = origin.ByUserId,
            SourceUrl = origin.Url,
            ImportedAt = time.GetUtcNow().UtcDateTime,
            CategoryCount = framework.Categories.Length,
            SubcategoryCount = framework.SubcategoryCount,
            ItemCount = framework.ItemCount,
            TemplateCount = framework.Templates.Length,
        };

        foreach (var category in framework.Categories)
        {
            var categoryRow = new FrameworkVersionCategory
            {
                FrameworkVersionId = version.Id,
                OrganizationId = organizationId,
                Slug = category.Slug,
                Name = category.Name,
                Order = category.Order,
                Description = category.Description,
            };
            foreach (var subcategory in category.Subcategories)
            {
                var subcategoryRow = new FrameworkVersionSubcategory
                {
                    CategoryId = categoryRow.Id,
                    OrganizationId = organizationId,
                    Slug = subcategory.Slug,
                    Name = subcategory.Name,
                    Order = subcategory.Order,
                    Description = subcategory.Description,
                };
                subcategoryRow.Items.AddRange(subcategory.Items.Select(item => new FrameworkVersionItem
                {
                    SubcategoryId = subcategoryRow.Id,
                    FrameworkVersionId = version.Id,
                    OrganizationId = organizationId,
                    Slug = item.Slug,
                    Name = item.Name,
                    Order = item.Order,
                    Optional = item.Optional,
                    DefinitionMarkdown = item.DefinitionMarkdown,
                    TemplateSlug = item.TemplateSlug,
                    ReviewIntervalDays = item.ReviewIntervalDays,
                }));
                categoryRow.Subcategories.Add(subcategoryRow);
            }

            version.Categories.Add(categoryRow);
        }

        version.Templates.AddRange(framework.Templates.Select(t => new FrameworkVersionTemplate
        {
            FrameworkVersionId = version.Id,
            OrganizationId = organizationId,
            Slug = t.Slug,
            Name = t.Name,
            Markdown = t.Markdown,
        }));
        return version;
    }
}
