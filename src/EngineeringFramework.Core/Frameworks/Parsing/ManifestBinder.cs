namespace EngineeringFramework.Core.Frameworks;

/// <summary>Reads the YAML tree into <see cref="RawManifest"/>, reporting shape and type errors with their paths.</summary>
internal sealed class ManifestBinder(FrameworkLimits limits, FrameworkErrorList errors)
{
    private int _subcategoryCount;
    private int _itemCount;

    public RawManifest? Bind(ManifestNode root)
    {
        if (root is not ManifestMapping mapping)
        {
            errors.Add(FrameworkPaths.Manifest, "must be a mapping with 'categories' and 'templates'");
            return null;
        }

        var document = new ManifestObject(mapping, string.Empty, errors, limits, "categories", "templates");
        var errorsBefore = errors.Count;
        var categories = Bounded(document.List("categories", required: true), limits.MaxCategories, "categories")
            .Select(c => BindCategory(c.Mapping, c.Location))
            .ToList();
        if (_itemCount == 0 && errors.Count == errorsBefore)
        {
            // Well-formed but with nothing to do: applied, it would replace a working framework with one that gives
            // every new project an empty checklist (a truncated file, or "categories: []", must not do that silently).
            errors.Add(document.Child("categories"), "must hold at least one item (in a subcategory of a category): a framework without items would give new projects an empty checklist");
        }

        var templates = Bounded(document.List("templates", required: false), limits.MaxTemplates, "templates")
            .Select(t => BindTemplate(t.Mapping, t.Location))
            .ToList();
        return new RawManifest(categories, templates);
    }

    private RawCategory BindCategory(ManifestMapping mapping, string location)
    {
        var node = new ManifestObject(mapping, location, errors, limits, "name", "slug", "order", "description", "subcategories");
        var (name, slug, order, description) = (node.Name("name"), node.Slug("slug"), node.Order("order"), node.Description("description"));
        var subcategories = new List<RawSubcategory>();
        foreach (var (child, childLocation) in node.List("subcategories", required: false))
        {
            if (!WithinLimit(ref _subcategoryCount, limits.MaxSubcategories, childLocation, "subcategories"))
            {
                break;
            }

            subcategories.Add(BindSubcategory(child, childLocation));
        }

        return new RawCategory(location, name, slug, order, description, subcategories);
    }

    private RawSubcategory BindSubcategory(ManifestMapping mapping, string location)
    {
        var node = new ManifestObject(mapping, location, errors, limits, "name", "slug", "order", "description", "items");
        var (name, slug, order, description) = (node.Name("name"), node.Slug("slug"), node.Order("order"), node.Description("description"));
        var items = new List<RawItem>();
        foreach (var (child, childLocation) in node.List("items", required: false))
        {
            if (!WithinLimit(ref _itemCount, limits.MaxItems, childLocation, "items"))
            {
                break;
            }

            items.Add(BindItem(child, childLocation));
        }

        return new RawSubcategory(location, name, slug, order, description, items);
    }

    private RawItem BindItem(ManifestMapping mapping, string location)
    {
        var node = new ManifestObject(
            mapping, location, errors, limits, "name", "slug", "order", "optional", "hasDefinition", "hasTemplate", "templateSlug", "reviewIntervalDays", SnakeReviewInterval);
        return new RawItem(
            location,
            node.Name("name"),
            node.Slug("slug"),
            node.Order("order"),
            node.Flag("optional"),
            node.Flag("hasDefinition"),
            node.Flag("hasTemplate"),
            node.Slug("templateSlug", required: false),
            node.Has("templateSlug"),
            ReviewInterval(node));
    }

    /// <summary>
    /// The spelling the feature was asked for (<c>review_interval_days</c>), accepted beside the file's own camelCase so a
    /// repository written to either works; given both ways, it is an error rather than a silent choice.
    /// </summary>
    private const string SnakeReviewInterval = "review_interval_days";

    private int? ReviewInterval(ManifestObject node)
    {
        if (node.Has("reviewIntervalDays") && node.Has(SnakeReviewInterval))
        {
            errors.Add(node.Child(SnakeReviewInterval), "repeats reviewIntervalDays: give the review interval once");
            return null;
        }

        return node.Days(node.Has(SnakeReviewInterval) ? SnakeReviewInterval : "reviewIntervalDays", FrameworkLimits.MaxReviewIntervalDays);
    }

    private RawTemplate BindTemplate(ManifestMapping mapping, string location)
    {
        var node = new ManifestObject(mapping, location, errors, limits, "slug", "name", "file");
        return new RawTemplate(location, node.Name("name"), node.Slug("slug"), node.Text("file", required: true));
    }

    private IEnumerable<(ManifestMapping Mapping, string Location)> Bounded(
        IReadOnlyList<(ManifestMapping Mapping, string Location)> list, int max, string what)
    {
        if (list.Count > max)
        {
            errors.Add(list[max].Location, $"more than {max} {what}");
        }

        return list.Take(max);
    }

    /// <summary>Subcategories and items are limited across the whole framework, so the count spans parents.</summary>
    private bool WithinLimit(ref int count, int max, string location, string what)
    {
        if (++count <= max)
        {
            return true;
        }

        if (count == max + 1)
        {
            errors.Add(location, $"more than {max} {what} in the framework");
        }

        return false;
    }
}
