using System.Collections.Immutable;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Rendering;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Frameworks.Versions;

public sealed record SystemFrameworkItem(string Slug, string Name, int Order, bool Optional, string? TemplateSlug, int? ReviewIntervalDays = null);

public sealed record SystemFrameworkSubcategory(string Slug, string Name, int Order, string? Description, IReadOnlyList<SystemFrameworkItem> Items);

public sealed record SystemFrameworkCategory(string Slug, string Name, int Order, string? Description, IReadOnlyList<SystemFrameworkSubcategory> Subcategories);

public sealed record SystemFrameworkTemplate(string Slug, string Name);

public sealed record SystemFrameworkSummary(
    Guid VersionId,
    string ContentHash,
    string Source,
    DateTime ImportedAt,
    int CategoryCount,
    int SubcategoryCount,
    int ItemCount,
    int TemplateCount,
    IReadOnlyList<SystemFrameworkCategory> Categories,
    IReadOnlyList<SystemFrameworkTemplate> Templates);

/// <summary>One item of the current system framework, with what an edit form needs: its definition and where it sits.</summary>
public sealed record SystemFrameworkItemDetails(
    string Slug,
    string Name,
    bool Optional,
    string? DefinitionMarkdown,
    string? TemplateSlug,
    string CategorySlug,
    string CategoryName,
    string SubcategorySlug,
    string SubcategoryName,
    int? ReviewIntervalDays = null);

public sealed record SystemFrameworkTemplateDetails(string Slug, string Name, string Markdown);

/// <summary>Replaces an item's editable fields; a null <see cref="ReviewIntervalDays"/> means no periodic review.</summary>
public sealed record UpdateFrameworkItemRequest(string Name, bool Optional, string? DefinitionMarkdown, int? ReviewIntervalDays = null);

public sealed record UpdateFrameworkTemplateRequest(string Name, string Markdown);

public sealed record UpdateFrameworkGroupRequest(string Name, string? Description);

/// <summary>
/// What an edit must carry before it is written out and parsed like an import: the framework's own validator checks
/// everything else (lengths, slugs, structure), but it needs text to read, so a missing name or template body is named here.
/// </summary>
/// <summary>A slug named by a caller (a route segment): shaped like one, so nothing else is ever looked up.</summary>
internal sealed class FrameworkSlugValidator : AbstractValidator<string>
{
    public FrameworkSlugValidator(string field)
    {
        RuleFor(slug => slug).Cascade(CascadeMode.Stop)
            .NotEmpty().MaximumLength(FrameworkLimits.Default.MaxSlugLength)
            .Must(SlugRule.IsValid).WithMessage("'{PropertyName}' must contain only lowercase letters, digits and hyphens.")
            .OverridePropertyName(field);
    }
}

internal sealed class UpdateFrameworkItemValidator : AbstractValidator<UpdateFrameworkItemRequest>
{
    public UpdateFrameworkItemValidator()
    {
        RuleFor(r => r.Name).NotNull();
        RuleFor(r => r.DefinitionMarkdown).Storable();
        RuleFor(r => r.ReviewIntervalDays).InclusiveBetween(1, FrameworkLimits.MaxReviewIntervalDays).When(r => r.ReviewIntervalDays is not null);
    }
}

internal sealed record MarkdownPreview(string? Markdown);

internal sealed class MarkdownPreviewValidator : AbstractValidator<MarkdownPreview>
{
    public MarkdownPreviewValidator()
    {
        // A framework file holds at most MaxMarkdownBytes of UTF-8; each character is at least one byte.
        RuleFor(r => r.Markdown).Cascade(CascadeMode.Stop)
            .Storable()
            .Must(m => m is null || System.Text.Encoding.UTF8.GetByteCount(m) <= FrameworkLimits.Default.MaxMarkdownBytes)
            .WithMessage($"'Markdown' must be at most {FrameworkLimits.Default.MaxMarkdownBytes} bytes of UTF-8.");
    }
}

internal sealed class UpdateFrameworkTemplateValidator : AbstractValidator<UpdateFrameworkTemplateRequest>
{
    public UpdateFrameworkTemplateValidator()
    {
        RuleFor(r => r.Name).NotNull();
        RuleFor(r => r.Markdown).NotNull().Storable();
    }
}

internal sealed class UpdateFrameworkGroupValidator : AbstractValidator<UpdateFrameworkGroupRequest>
{
    public UpdateFrameworkGroupValidator()
    {
        RuleFor(r => r.Name).NotNull();
        RuleFor(r => r.Description).Storable();
    }
}

/// <summary>
/// Management of the system framework (the one every organization without its own uses): view, export,
/// import an archive, edit an item or a template. Only system super-admins may; to anyone else these
/// operations do not exist (not found). Every change is validated by the same parser as every import and
/// becomes a new immutable version, so an edit can never leave the framework invalid.
/// </summary>
public sealed class SystemFrameworkService(AppDbContext db, Authorizer authorizer, TimeProvider time, MarkdownRenderer markdown)
{
    public const string ImportSource = "import";
    public const string EditSource = "edit";

    public async Task<SystemFrameworkSummary> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        var (version, framework) = await CurrentAsync(cancellationToken);
        return Summarize(version, framework);
    }

    /// <summary>
    /// Whether the caller may manage the system framework, for a surface deciding whether to offer the way in (the
    /// operations themselves check again). A question about the caller themself, so it never throws for a non-admin.
    /// </summary>
    public Task<bool> IsSuperAdminAsync(Caller caller, CancellationToken cancellationToken)
        => authorizer.CheckAsync(caller, SystemAdministration.SuperAdmins.Relation, Fga.SystemObject, cancellationToken);

    /// <summary>
    /// Markdown as a definition or template would show once saved, rendered by the one sanitizing renderer every page
    /// uses, for the edit forms' preview. Nothing is read or written; only a super-admin may ask, like every other
    /// operation here, and text beyond what a framework file may hold is refused rather than rendered.
    /// </summary>
    public async Task<string> PreviewAsync(Caller caller, string? markdownText, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new MarkdownPreviewValidator().ValidateAndThrowAsync(new MarkdownPreview(markdownText), cancellationToken);
        return markdown.ToHtml(markdownText);
    }

    public async Task<SystemFrameworkItemDetails> GetItemAsync(Caller caller, string itemSlug, CancellationToken cancellationToken)
    {
        // Authorized before the slug is validated: to anyone else even a malformed slug says only "not found".
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new FrameworkSlugValidator("ItemSlug").ValidateAndThrowAsync(itemSlug, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        foreach (var category in framework.Categories)
        {
            foreach (var subcategory in category.Subcategories)
            {
                if (subcategory.Items.FirstOrDefault(i => i.Slug == itemSlug) is { } item)
                {
                    return new SystemFrameworkItemDetails(
                        item.Slug, item.Name, item.Optional, item.DefinitionMarkdown, item.TemplateSlug, category.Slug, category.Name, subcategory.Slug, subcategory.Name, item.ReviewIntervalDays);
                }
            }
        }

        throw new NotFoundException("Framework item");
    }

    public async Task<SystemFrameworkTemplateDetails> GetTemplateAsync(Caller caller, string templateSlug, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new FrameworkSlugValidator("TemplateSlug").ValidateAndThrowAsync(templateSlug, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        var template = framework.Templates.FirstOrDefault(t => t.Slug == templateSlug) ?? throw new NotFoundException("Template");
        return new SystemFrameworkTemplateDetails(template.Slug, template.Name, template.Markdown);
    }

    /// <summary>Writes the current version as a zip in the published folder format (re-importing it gives the same hash).</summary>
    public async Task<string> ExportAsync(Caller caller, Stream output, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        var (version, framework) = await CurrentAsync(cancellationToken);
        FrameworkExporter.WriteZip(framework, output);
        return version.ContentHash;
    }

    /// <summary>Imports a framework archive (zip or tar.gz); every validation problem is reported with its location, and nothing changes unless all pass.</summary>
    public async Task<SystemFrameworkSummary> ImportAsync(Caller caller, Stream archive, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        using var buffer = new MemoryStream();
        var limit = FrameworkLimits.Default.MaxArchiveBytes;
        var chunk = new byte[81920];
        int read;
        while ((read = await archive.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ValidationException([new ValidationFailure("(source)", $"The archive is larger than {limit} bytes.")]);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        var isGzip = buffer.Length > 2 && buffer.GetBuffer()[0] == 0x1f && buffer.GetBuffer()[1] == 0x8b;
        var source = isGzip ? FrameworkSource.FromTarGz(buffer) : FrameworkSource.FromZip(buffer);
        return await ApplyAsync(FrameworkParser.Parse(source), new FrameworkOrigin(ImportSource, caller.UserId), cancellationToken);
    }

    public async Task<SystemFrameworkSummary> UpdateItemAsync(Caller caller, string itemSlug, UpdateFrameworkItemRequest request, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new UpdateFrameworkItemValidator().ValidateAndThrowAsync(request, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        if (!framework.AllItems.Any(i => i.Slug == itemSlug))
        {
            throw new NotFoundException("Framework item");
        }

        // "with" keeps what the form does not edit (the template): an edit of the name never drops it.
        var edited = framework with
        {
            Categories = [.. framework.Categories.Select(c => c with
            {
                Subcategories = [.. c.Subcategories.Select(s => s with
                {
                    Items = [.. s.Items.Select(i => i.Slug != itemSlug ? i : i with { Name = request.Name, Optional = request.Optional, DefinitionMarkdown = request.DefinitionMarkdown, ReviewIntervalDays = request.ReviewIntervalDays })],
                })],
            })],
        };
        return await ApplyAsync(Revalidate(edited), new FrameworkOrigin(EditSource, caller.UserId), cancellationToken);
    }

    public async Task<SystemFrameworkSummary> UpdateCategoryAsync(Caller caller, string categorySlug, UpdateFrameworkGroupRequest request, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new UpdateFrameworkGroupValidator().ValidateAndThrowAsync(request, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        if (!framework.Categories.Any(c => c.Slug == categorySlug))
        {
            throw new NotFoundException("Category");
        }

        var edited = framework with
        {
            Categories = [.. framework.Categories.Select(c => c.Slug != categorySlug ? c : c with { Name = request.Name, Description = request.Description })],
        };
        return await ApplyAsync(Revalidate(edited), new FrameworkOrigin(EditSource, caller.UserId), cancellationToken);
    }

    /// <summary>Subcategory slugs are unique within their category, so the category names the subcategory too.</summary>
    public async Task<SystemFrameworkSummary> UpdateSubcategoryAsync(Caller caller, string categorySlug, string subcategorySlug, UpdateFrameworkGroupRequest request, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new UpdateFrameworkGroupValidator().ValidateAndThrowAsync(request, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        if (!framework.Categories.Any(c => c.Slug == categorySlug && c.Subcategories.Any(s => s.Slug == subcategorySlug)))
        {
            throw new NotFoundException("Subcategory");
        }

        var edited = framework with
        {
            Categories = [.. framework.Categories.Select(c => c.Slug != categorySlug ? c : c with
            {
                Subcategories = [.. c.Subcategories.Select(s => s.Slug != subcategorySlug ? s : s with { Name = request.Name, Description = request.Description })],
            })],
        };
        return await ApplyAsync(Revalidate(edited), new FrameworkOrigin(EditSource, caller.UserId), cancellationToken);
    }

    public async Task<SystemFrameworkSummary> UpdateTemplateAsync(Caller caller, string templateSlug, UpdateFrameworkTemplateRequest request, CancellationToken cancellationToken)
    {
        await EnsureSuperAdminAsync(caller, cancellationToken);
        await new UpdateFrameworkTemplateValidator().ValidateAndThrowAsync(request, cancellationToken);
        var (_, framework) = await CurrentAsync(cancellationToken);
        if (!framework.Templates.Any(t => t.Slug == templateSlug))
        {
            throw new NotFoundException("Template");
        }

        var edited = framework with
        {
            Templates = [.. framework.Templates.Select(t => t.Slug != templateSlug ? t : t with { Name = request.Name, Markdown = request.Markdown })],
        };
        return await ApplyAsync(Revalidate(edited), new FrameworkOrigin(EditSource, caller.UserId), cancellationToken);
    }

    // An edit goes through the published format and the one validator, exactly like an import.
    private static FrameworkValidationResult Revalidate(FrameworkDefinition edited)
        => FrameworkParser.Parse(FrameworkSource.FromFiles(FrameworkExporter.ToFiles(edited)));

    private async Task<SystemFrameworkSummary> ApplyAsync(FrameworkValidationResult result, FrameworkOrigin origin, CancellationToken cancellationToken)
    {
        if (!result.IsValid)
        {
            throw new ValidationException(result.Errors.Select(e => new ValidationFailure(e.Location, e.Message)));
        }

        var import = await new FrameworkImporter(db, time).ImportAsync(result.Definition!, organizationId: null, origin, cancellationToken);
        return Summarize(import.Version, result.Definition!);
    }

    private async Task EnsureSuperAdminAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!await authorizer.CheckAsync(caller, SystemAdministration.SuperAdmins.Relation, Fga.SystemObject, cancellationToken))
        {
            // Management routes do not exist for anyone else: nothing to learn from a 403.
            throw new NotFoundException("System framework");
        }
    }

    private async Task<(FrameworkVersion Version, FrameworkDefinition Framework)> CurrentAsync(CancellationToken cancellationToken)
    {
        // System scope, named explicitly: the system's current version, whatever the tenant.
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.OrganizationId == null && v.IsCurrent).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("System framework");
        var framework = await new FrameworkVersionReader(db).LoadAsync(version.Id, cancellationToken) ?? throw new NotFoundException("System framework");
        return (version, framework);
    }

    private static SystemFrameworkSummary Summarize(FrameworkVersion version, FrameworkDefinition framework) => new(
        version.Id,
        version.ContentHash,
        version.Source,
        version.ImportedAt,
        framework.Categories.Length,
        framework.SubcategoryCount,
        framework.ItemCount,
        framework.Templates.Length,
        [.. framework.Categories.Select(c => new SystemFrameworkCategory(c.Slug, c.Name, c.Order, c.Description, [.. c.Subcategories.Select(s => new SystemFrameworkSubcategory(s.Slug, s.Name, s.Order, s.Description, [.. s.Items.Select(i => new SystemFrameworkItem(i.Slug, i.Name, i.Order, i.Optional, i.TemplateSlug, i.ReviewIntervalDays))]))]))],
        [.. framework.Templates.Select(t => new SystemFrameworkTemplate(t.Slug, t.Name))]);
}
