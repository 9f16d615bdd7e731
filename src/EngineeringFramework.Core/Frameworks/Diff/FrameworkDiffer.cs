using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace EngineeringFramework.Core.Frameworks.Diff;

/// <summary>
/// Compares two validated frameworks. Items and templates are matched by slug (unique in a framework), categories
/// by slug, subcategories by category and slug, or by slug alone when exactly one subcategory of that slug left one
/// category and exactly one appeared in another (a move). Pure and deterministic: the same two frameworks give the
/// same diff, whatever order their files were read in.
/// </summary>
internal static class FrameworkDiffer
{
    public static FrameworkDiff Compare(FrameworkDefinition from, FrameworkDefinition to) => new(
        CompareCategories(from, to),
        CompareSubcategories(from, to),
        CompareItems(from, to),
        CompareTemplates(from, to));

    /// <summary>A line diff; null and empty text are the same. Line endings are not a difference.</summary>
    public static IReadOnlyList<TextDiffLine> Lines(string? from, string? to)
    {
        var model = InlineDiffBuilder.Diff(WithoutFinalNewline(from), WithoutFinalNewline(to), ignoreWhiteSpace: false, ignoreCase: false);
        return [.. model.Lines.Select(l => new TextDiffLine(
            l.Type switch
            {
                ChangeType.Inserted => TextDiffKind.Added,
                ChangeType.Deleted => TextDiffKind.Removed,
                _ => TextDiffKind.Unchanged,
            },
            l.Text ?? string.Empty))];
    }

    private static string Normalize(string? text) => (text ?? string.Empty).ReplaceLineEndings("\n");

    // The newline that ends a file's last line does not start another line.
    private static string WithoutFinalNewline(string? text) => Normalize(text) is { } t && t.EndsWith('\n') ? t[..^1] : Normalize(text);

    /// <summary>The one rule for "this text changed" (null and empty alike, line endings ignored), shared with the upgrade planner.</summary>
    internal static bool SameText(string? a, string? b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static List<CategoryDiff> CompareCategories(FrameworkDefinition from, FrameworkDefinition to)
    {
        var old = from.Categories.ToDictionary(c => c.Slug, StringComparer.Ordinal);
        var result = new List<CategoryDiff>();
        foreach (var category in to.Categories)
        {
            if (!old.TryGetValue(category.Slug, out var before))
            {
                result.Add(new(category.Slug, FrameworkChange.Added, [], null, category.Name));
                continue;
            }

            var aspects = new List<FrameworkAspect>();
            Note(aspects, before.Name != category.Name, FrameworkAspect.Renamed);
            Note(aspects, before.Order != category.Order, FrameworkAspect.Reordered);
            Note(aspects, !SameText(before.Description, category.Description), FrameworkAspect.DescriptionChanged);
            if (aspects.Count > 0)
            {
                result.Add(new(category.Slug, FrameworkChange.Changed, aspects, before.Name, category.Name));
            }
        }

        var kept = to.Categories.Select(c => c.Slug).ToHashSet(StringComparer.Ordinal);
        result.AddRange(from.Categories.Where(c => !kept.Contains(c.Slug)).Select(c => new CategoryDiff(c.Slug, FrameworkChange.Removed, [], c.Name, null)));
        return result;
    }

    private sealed record PlacedSubcategory(string CategorySlug, FrameworkSubcategory Subcategory)
    {
        public string Key => $"{CategorySlug}/{Subcategory.Slug}";
    }

    private static List<PlacedSubcategory> Subcategories(FrameworkDefinition framework)
        => [.. framework.Categories.SelectMany(c => c.Subcategories.Select(s => new PlacedSubcategory(c.Slug, s)))];

    private static List<SubcategoryDiff> CompareSubcategories(FrameworkDefinition from, FrameworkDefinition to)
    {
        var olds = Subcategories(from);
        var news = Subcategories(to);
        var oldByKey = olds.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var newKeys = news.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

        // A slug that left exactly one category and arrived in exactly one other is the same subcategory, moved.
        var gone = olds.Where(s => !newKeys.Contains(s.Key)).ToList();
        var arrived = news.Where(s => !oldByKey.ContainsKey(s.Key)).ToList();
        var moves = arrived
            .Where(a => arrived.Count(x => x.Subcategory.Slug == a.Subcategory.Slug) == 1 && gone.Count(g => g.Subcategory.Slug == a.Subcategory.Slug) == 1)
            .ToDictionary(a => a.Key, a => gone.Single(g => g.Subcategory.Slug == a.Subcategory.Slug), StringComparer.Ordinal);
        var movedAway = moves.Values.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

        var result = new List<SubcategoryDiff>();
        foreach (var placed in news)
        {
            var now = placed.Subcategory;
            var before = oldByKey.GetValueOrDefault(placed.Key) ?? moves.GetValueOrDefault(placed.Key);
            if (before is null)
            {
                result.Add(new(now.Slug, FrameworkChange.Added, [], null, placed.CategorySlug, null, now.Name));
                continue;
            }

            var aspects = new List<FrameworkAspect>();
            Note(aspects, before.Subcategory.Name != now.Name, FrameworkAspect.Renamed);
            Note(aspects, before.CategorySlug != placed.CategorySlug, FrameworkAspect.Moved);
            Note(aspects, before.Subcategory.Order != now.Order, FrameworkAspect.Reordered);
            Note(aspects, !SameText(before.Subcategory.Description, now.Description), FrameworkAspect.DescriptionChanged);
            if (aspects.Count > 0)
            {
                result.Add(new(now.Slug, FrameworkChange.Changed, aspects, before.CategorySlug, placed.CategorySlug, before.Subcategory.Name, now.Name));
            }
        }

        result.AddRange(gone
            .Where(g => !movedAway.Contains(g.Key))
            .Select(g => new SubcategoryDiff(g.Subcategory.Slug, FrameworkChange.Removed, [], g.CategorySlug, null, g.Subcategory.Name, null)));
        return result;
    }

    private sealed record PlacedItem(FrameworkPlace Place, FrameworkItem Item);

    private static List<PlacedItem> Items(FrameworkDefinition framework)
        => [.. framework.Categories.SelectMany(c => c.Subcategories.SelectMany(s => s.Items.Select(i => new PlacedItem(new FrameworkPlace(c.Slug, s.Slug), i))))];

    private static List<ItemDiff> CompareItems(FrameworkDefinition from, FrameworkDefinition to)
    {
        var old = Items(from).ToDictionary(i => i.Item.Slug, StringComparer.Ordinal);
        var news = Items(to);
        var result = new List<ItemDiff>();
        foreach (var (place, item) in news)
        {
            if (!old.TryGetValue(item.Slug, out var before))
            {
                result.Add(new(item.Slug, FrameworkChange.Added, [], null, item.Name, null, place, null, item.Optional, null, item.TemplateSlug, null, null, item.ReviewIntervalDays));
                continue;
            }

            var was = before.Item;
            var definitionChanged = !SameText(was.DefinitionMarkdown, item.DefinitionMarkdown);
            var aspects = new List<FrameworkAspect>();
            Note(aspects, was.Name != item.Name, FrameworkAspect.Renamed);
            Note(aspects, before.Place != place, FrameworkAspect.Moved);
            Note(aspects, was.Order != item.Order, FrameworkAspect.Reordered);
            Note(aspects, definitionChanged, FrameworkAspect.DefinitionChanged);
            Note(aspects, was.Optional != item.Optional, FrameworkAspect.OptionalChanged);
            Note(aspects, was.TemplateSlug != item.TemplateSlug, FrameworkAspect.TemplateChanged);
            Note(aspects, was.ReviewIntervalDays != item.ReviewIntervalDays, FrameworkAspect.ReviewIntervalChanged);
            if (aspects.Count > 0)
            {
                result.Add(new(
                    item.Slug, FrameworkChange.Changed, aspects, was.Name, item.Name, before.Place, place, was.Optional, item.Optional, was.TemplateSlug, item.TemplateSlug,
                    definitionChanged ? Lines(was.DefinitionMarkdown, item.DefinitionMarkdown) : null, was.ReviewIntervalDays, item.ReviewIntervalDays));
            }
        }

        var kept = news.Select(i => i.Item.Slug).ToHashSet(StringComparer.Ordinal);
        result.AddRange(Items(from)
            .Where(i => !kept.Contains(i.Item.Slug))
            .Select(i => new ItemDiff(i.Item.Slug, FrameworkChange.Removed, [], i.Item.Name, null, i.Place, null, i.Item.Optional, null, i.Item.TemplateSlug, null, null, i.Item.ReviewIntervalDays)));
        return result;
    }

    private static List<TemplateDiff> CompareTemplates(FrameworkDefinition from, FrameworkDefinition to)
    {
        var old = from.Templates.ToDictionary(t => t.Slug, StringComparer.Ordinal);
        var result = new List<TemplateDiff>();
        foreach (var template in to.Templates)
        {
            if (!old.TryGetValue(template.Slug, out var before))
            {
                result.Add(new(template.Slug, FrameworkChange.Added, [], null, template.Name, null));
                continue;
            }

            var contentChanged = !SameText(before.Markdown, template.Markdown);
            var aspects = new List<FrameworkAspect>();
            Note(aspects, before.Name != template.Name, FrameworkAspect.Renamed);
            Note(aspects, contentChanged, FrameworkAspect.ContentChanged);
            if (aspects.Count > 0)
            {
                result.Add(new(template.Slug, FrameworkChange.Changed, aspects, before.Name, template.Name, contentChanged ? Lines(before.Markdown, template.Markdown) : null));
            }
        }

        var kept = to.Templates.Select(t => t.Slug).ToHashSet(StringComparer.Ordinal);
        result.AddRange(from.Templates.Where(t => !kept.Contains(t.Slug)).Select(t => new TemplateDiff(t.Slug, FrameworkChange.Removed, [], t.Name, null, null)));
        return result;
    }

    internal static void Note(List<FrameworkAspect> aspects, bool changed, FrameworkAspect aspect)
    {
        if (changed)
        {
            aspects.Add(aspect);
        }
    }
}
