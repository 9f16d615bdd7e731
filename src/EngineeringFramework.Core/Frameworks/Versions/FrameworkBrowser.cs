using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Search;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Frameworks.Versions;

public sealed record FrameworkTemplateView(string Slug, string Name, string Markdown, Guid FrameworkVersionId);

public sealed record FrameworkSearchRequest(string Query, int Limit = 20);

public sealed record FrameworkSearchHit(string ItemSlug, string Name, string CategoryName, string SubcategoryName, bool Optional, string? TemplateSlug, string? Excerpt);

public sealed record FrameworkDefinitionView(string ItemSlug, string Name, string? DefinitionMarkdown, string? TemplateSlug, Guid FrameworkVersionId, int? ReviewIntervalDays = null);

internal sealed class FrameworkSearchValidator : AbstractValidator<FrameworkSearchRequest>
{
    public FrameworkSearchValidator()
    {
        RuleFor(r => r.Query).Cascade(CascadeMode.Stop).NotEmpty().Must(q => q.Trim().Length >= 2).WithMessage("'Query' must have at least 2 characters.").MaximumLength(200);
        RuleFor(r => r.Limit).InclusiveBetween(1, 50);
    }
}

/// <summary>
/// Reading the organization's framework (its effective version, or the version a project was created from):
/// templates, definitions, and a text search. Members of the organization may read it.
/// </summary>
public sealed class FrameworkBrowser(AppDbContext db, TenantContext tenant, Authorizer authorizer)
{
    private const int ExcerptWidth = 240;

    public async Task<FrameworkTemplateView> GetTemplateAsync(Caller caller, Guid organizationId, string templateSlug, Guid? versionId, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(caller, organizationId, versionId, cancellationToken);
        var template = await db.FrameworkVersionTemplates.AsNoTracking()
            .SingleOrDefaultAsync(t => t.FrameworkVersionId == version && t.Slug == templateSlug, cancellationToken) ?? throw new NotFoundException("Template");
        return new FrameworkTemplateView(template.Slug, template.Name, template.Markdown, version);
    }

    public async Task<FrameworkDefinitionView> GetDefinitionAsync(Caller caller, Guid organizationId, string itemSlug, Guid? versionId, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(caller, organizationId, versionId, cancellationToken);
        var item = await db.FrameworkVersionItems.AsNoTracking()
            .SingleOrDefaultAsync(i => i.FrameworkVersionId == version && i.Slug == itemSlug, cancellationToken) ?? throw new NotFoundException("Framework item");
        return new FrameworkDefinitionView(item.Slug, item.Name, item.DefinitionMarkdown, item.TemplateSlug, version, item.ReviewIntervalDays);
    }

    /// <summary>Items whose name or definition contains every word of the query (case-insensitive), in framework order.</summary>
    public async Task<IReadOnlyList<FrameworkSearchHit>> SearchAsync(Caller caller, Guid organizationId, FrameworkSearchRequest request, CancellationToken cancellationToken)
    {
        await new FrameworkSearchValidator().ValidateAndThrowAsync(request, cancellationToken);
        var version = await VersionAsync(caller, organizationId, null, cancellationToken);
        var items = await (
            from category in db.Set<FrameworkVersionCategory>().AsNoTracking()
            from subcategory in category.Subcategories
            from item in subcategory.Items
            where category.FrameworkVersionId == version
            orderby category.Order, subcategory.Order, item.Order, item.Slug
            select new { item.Slug, item.Name, Category = category.Name, Subcategory = subcategory.Name, item.Optional, item.TemplateSlug, item.DefinitionMarkdown })
            .ToListAsync(cancellationToken);

        // A framework has at most a few thousand items: matching in memory keeps the search identical on
        // SQLite and PostgreSQL (case folding and collations differ between them).
        var words = request.Query.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // The excerpt is made as the organization search makes its own, around the first word of the definition that starts
        // with a word of the query (or its opening, when only the name matched), at about the size this tool has always sent.
        var terms = SearchTerms.Of(request.Query);
        return [.. items
            .Where(i => words.All(w => i.Name.Contains(w, StringComparison.OrdinalIgnoreCase) || (i.DefinitionMarkdown?.Contains(w, StringComparison.OrdinalIgnoreCase) ?? false)))
            .Take(request.Limit)
            .Select(i => new FrameworkSearchHit(i.Slug, i.Name, i.Category, i.Subcategory, i.Optional, i.TemplateSlug, SearchTerms.ExcerptText(i.DefinitionMarkdown, terms, ExcerptWidth)))];
    }

    private async Task<Guid> VersionAsync(Caller caller, Guid organizationId, Guid? versionId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        if (versionId is { } id)
        {
            // The tenant filter limits this to the system's versions and the organization's own.
            return await db.FrameworkVersions.AnyAsync(v => v.Id == id, cancellationToken) ? id : throw new NotFoundException("Framework version");
        }

        var effective = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken) ?? throw new NotFoundException("Framework");
        return effective.Id;
    }
}
