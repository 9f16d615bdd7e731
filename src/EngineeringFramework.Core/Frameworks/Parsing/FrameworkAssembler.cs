namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Cross-checks a bound manifest (uniqueness, references, files) and, only when no error at all was reported,
/// builds the sorted, immutable <see cref="FrameworkDefinition"/>.
/// </summary>
internal sealed class FrameworkAssembler(FrameworkSource source, FrameworkLimits limits, FrameworkErrorList errors)
{
    private readonly FrameworkFileReader _files = new(source, limits, errors);

    // Declared template slugs, including templates whose file is broken: that file already has its error, so a
    // reference to the template must not also be reported as unknown.
    private readonly HashSet<string> _declaredTemplates = new(StringComparer.Ordinal);

    public FrameworkDefinition? Assemble(RawManifest manifest)
    {
        var templates = AssembleTemplates(manifest.Templates);
        CheckUnique(manifest.Categories, c => c.Slug, c => c.Location, "category");
        CheckUnique(manifest.Categories.SelectMany(c => c.Subcategories).SelectMany(s => s.Items), i => i.Slug, i => i.Location, "item");

        var categories = manifest.Categories.Select(AssembleCategory).ToList();
        if (errors.Count > 0)
        {
            return null;
        }

        return new FrameworkDefinition(
            [.. FrameworkOrdering.Sort(categories.OfType<FrameworkCategory>(), c => c.Order, c => c.Slug)],
            [.. templates.Values.OrderBy(t => t.Slug, StringComparer.Ordinal)]);
    }

    private Dictionary<string, FrameworkTemplate> AssembleTemplates(IReadOnlyList<RawTemplate> raw)
    {
        CheckUnique(raw, t => t.Slug, t => t.Location, "template");
        var templates = new Dictionary<string, FrameworkTemplate>(StringComparer.Ordinal);
        foreach (var template in raw)
        {
            if (template.Slug is not null)
            {
                _declaredTemplates.Add(template.Slug);
            }

            var markdown = template.File is null ? null : ReadTemplateFile(template);
            if (template.Slug is not null && template.Name is not null && markdown is not null)
            {
                templates.TryAdd(template.Slug, new FrameworkTemplate(template.Slug, template.Name, markdown));
            }
        }

        return templates;
    }

    private string? ReadTemplateFile(RawTemplate template)
    {
        var location = $"{template.Location}.file";
        var path = SourcePath.Normalize(template.File!, out var pathError);
        if (path is null)
        {
            errors.Add(location, pathError!);
            return null;
        }

        return _files.Read(path, location, "template file");
    }

    private FrameworkCategory? AssembleCategory(RawCategory raw)
    {
        CheckUnique(raw.Subcategories, s => s.Slug, s => s.Location, "subcategory");
        var subcategories = raw.Subcategories.Select(AssembleSubcategory).ToList();
        if (raw.Name is null || raw.Slug is null || raw.Order is null || subcategories.Contains(null))
        {
            return null;
        }

        return new FrameworkCategory(
            raw.Slug, raw.Name, raw.Order.Value, raw.Description, [.. FrameworkOrdering.Sort(subcategories.OfType<FrameworkSubcategory>(), s => s.Order, s => s.Slug)]);
    }

    private FrameworkSubcategory? AssembleSubcategory(RawSubcategory raw)
    {
        var items = raw.Items.Select(AssembleItem).ToList();
        if (raw.Name is null || raw.Slug is null || raw.Order is null || items.Contains(null))
        {
            return null;
        }

        return new FrameworkSubcategory(
            raw.Slug, raw.Name, raw.Order.Value, raw.Description, [.. FrameworkOrdering.Sort(items.OfType<FrameworkItem>(), i => i.Order, i => i.Slug)]);
    }

    private FrameworkItem? AssembleItem(RawItem raw)
    {
        var templateSlug = CheckTemplateReference(raw);
        string? definition = null;
        if (raw.HasDefinition == true && raw.Slug is not null)
        {
            definition = _files.Read(FrameworkPaths.Definition(raw.Slug), $"{raw.Location}.hasDefinition", "definition file");
        }

        if (raw.Name is null || raw.Slug is null || raw.Order is null || raw.Optional is null)
        {
            return null;
        }

        return new FrameworkItem(raw.Slug, raw.Name, raw.Order.Value, raw.Optional.Value, definition, templateSlug, raw.ReviewIntervalDays);
    }

    private string? CheckTemplateReference(RawItem raw)
    {
        if (raw.HasTemplate == true && !raw.TemplateSlugPresent)
        {
            errors.Add($"{raw.Location}.templateSlug", "is required when hasTemplate is true");
        }
        else if (raw.HasTemplate == false && raw.TemplateSlugPresent)
        {
            // Contradictory input: silently dropping the template or silently enabling it would both guess.
            errors.Add($"{raw.Location}.hasTemplate", "must be true when templateSlug is set");
        }
        else if (raw.HasTemplate == true && raw.TemplateSlug is not null && !_declaredTemplates.Contains(raw.TemplateSlug))
        {
            errors.Add($"{raw.Location}.templateSlug", $"no template with slug '{raw.TemplateSlug}' in templates");
        }

        return raw.HasTemplate == true ? raw.TemplateSlug : null;
    }

    private void CheckUnique<T>(IEnumerable<T> entries, Func<T, string?> slug, Func<T, string> location, string what)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (slug(entry) is not { } value)
            {
                continue;
            }

            if (!seen.TryAdd(value, location(entry)))
            {
                errors.Add($"{location(entry)}.slug", $"duplicate {what} slug '{value}' (first used at {seen[value]})");
            }
        }
    }
}
