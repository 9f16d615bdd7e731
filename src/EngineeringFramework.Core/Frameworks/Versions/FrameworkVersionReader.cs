using System.Collections.Immutable;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Frameworks.Versions;

/// <summary>Reads stored framework versions back, and answers which version is effective for an organization.</summary>
internal sealed class FrameworkVersionReader(AppDbContext db)
{
    /// <summary>
    /// The version new projects of the current tenant copy: the organization's own current (synced)
    /// version when it has one, otherwise the system's current version. The tenant filter already limits
    /// the candidates to the system's and the current organization's versions.
    /// </summary>
    public Task<FrameworkVersion?> GetEffectiveAsync(CancellationToken cancellationToken)
        => db.FrameworkVersions.AsNoTracking()
            .Where(v => v.IsCurrent)
            .OrderBy(v => v.OrganizationId == null ? 1 : 0)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The whole version as a <see cref="FrameworkDefinition"/> (for export), or null if not visible.</summary>
    public async Task<FrameworkDefinition?> LoadAsync(Guid versionId, CancellationToken cancellationToken)
    {
        var version = await db.FrameworkVersions.AsNoTracking().AsSplitQuery()
            .Include(v => v.Categories).ThenInclude(c => c.Subcategories).ThenInclude(s => s.Items)
            .Include(v => v.Templates)
            .SingleOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var categories = version.Categories
            .Select(c => new FrameworkCategory(
                c.Slug,
                c.Name,
                c.Order,
                c.Description,
                [.. c.Subcategories
                    .Select(s => new FrameworkSubcategory(
                        s.Slug,
                        s.Name,
                        s.Order,
                        s.Description,
                        [.. s.Items.Select(i => new FrameworkItem(i.Slug, i.Name, i.Order, i.Optional, i.DefinitionMarkdown, i.TemplateSlug, i.ReviewIntervalDays))
                            .OrderBy(i => i.Order).ThenBy(i => i.Slug, StringComparer.Ordinal)]))
                    .OrderBy(s => s.Order).ThenBy(s => s.Slug, StringComparer.Ordinal)]))
            .OrderBy(c => c.Order).ThenBy(c => c.Slug, StringComparer.Ordinal)
            .ToImmutableArray();
        var templates = version.Templates
            .Select(t => new FrameworkTemplate(t.Slug, t.Name, t.Markdown))
            .OrderBy(t => t.Slug, StringComparer.Ordinal)
            .ToImmutableArray();
        return new FrameworkDefinition(categories, templates);
    }
}
