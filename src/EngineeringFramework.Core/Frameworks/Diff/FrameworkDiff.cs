namespace EngineeringFramework.Core.Frameworks.Diff;

/// <summary>What happened to one entry between two framework versions, matched by slug.</summary>
public enum FrameworkChange
{
    Added,
    Removed,
    Changed,
}

/// <summary>Which part of an entry that is in both versions changed.</summary>
public enum FrameworkAspect
{
    /// <summary>Its display name.</summary>
    Renamed,

    /// <summary>An item to another subcategory, or a subcategory to another category.</summary>
    Moved,

    /// <summary>Its <c>order</c> among its siblings.</summary>
    Reordered,

    /// <summary>A category's or subcategory's description.</summary>
    DescriptionChanged,

    /// <summary>An item's definition markdown.</summary>
    DefinitionChanged,

    /// <summary>An item's <c>optional</c> flag.</summary>
    OptionalChanged,

    /// <summary>Which template an item points to.</summary>
    TemplateChanged,

    /// <summary>A template's markdown.</summary>
    ContentChanged,

    /// <summary>An item's <c>reviewIntervalDays</c> (set, removed or another number of days).</summary>
    ReviewIntervalChanged,
}

public enum TextDiffKind
{
    Unchanged,
    Added,
    Removed,
}

/// <summary>One line of a line-by-line text diff, in reading order.</summary>
public sealed record TextDiffLine(TextDiffKind Kind, string Text);

/// <summary>Where an item sits.</summary>
public sealed record FrameworkPlace(string CategorySlug, string SubcategorySlug);

public sealed record CategoryDiff(string Slug, FrameworkChange Change, IReadOnlyList<FrameworkAspect> Aspects, string? OldName, string? NewName);

/// <param name="Slug">Subcategory slugs are unique within their category only; the category slugs say which one.</param>
public sealed record SubcategoryDiff(
    string Slug,
    FrameworkChange Change,
    IReadOnlyList<FrameworkAspect> Aspects,
    string? OldCategorySlug,
    string? NewCategorySlug,
    string? OldName,
    string? NewName);

/// <param name="Definition">The definition's line diff when <see cref="FrameworkAspect.DefinitionChanged"/>; otherwise null.</param>
public sealed record ItemDiff(
    string Slug,
    FrameworkChange Change,
    IReadOnlyList<FrameworkAspect> Aspects,
    string? OldName,
    string? NewName,
    FrameworkPlace? OldPlace,
    FrameworkPlace? NewPlace,
    bool? OldOptional,
    bool? NewOptional,
    string? OldTemplateSlug,
    string? NewTemplateSlug,
    IReadOnlyList<TextDiffLine>? Definition,
    int? OldReviewIntervalDays = null,
    int? NewReviewIntervalDays = null);

/// <param name="Content">The template's line diff when <see cref="FrameworkAspect.ContentChanged"/>; otherwise null.</param>
public sealed record TemplateDiff(
    string Slug,
    FrameworkChange Change,
    IReadOnlyList<FrameworkAspect> Aspects,
    string? OldName,
    string? NewName,
    IReadOnlyList<TextDiffLine>? Content);

/// <summary>
/// Everything that differs between two framework versions. Entries are listed in the newer version's order, then the
/// removed ones in the older version's order; only entries that differ are listed.
/// </summary>
public sealed record FrameworkDiff(
    IReadOnlyList<CategoryDiff> Categories,
    IReadOnlyList<SubcategoryDiff> Subcategories,
    IReadOnlyList<ItemDiff> Items,
    IReadOnlyList<TemplateDiff> Templates)
{
    public bool IsEmpty => Categories.Count == 0 && Subcategories.Count == 0 && Items.Count == 0 && Templates.Count == 0;

    public int ItemsAdded => Items.Count(i => i.Change == FrameworkChange.Added);

    public int ItemsRemoved => Items.Count(i => i.Change == FrameworkChange.Removed);

    public int ItemsChanged => Items.Count(i => i.Change == FrameworkChange.Changed);

    /// <summary>For people: "+3 items, −1, 5 changed", or "no item changes".</summary>
    public string Summary => ItemsAdded + ItemsRemoved + ItemsChanged == 0
        ? "no item changes"
        : $"+{ItemsAdded} {(ItemsAdded == 1 ? "item" : "items")}, \u2212{ItemsRemoved}, {ItemsChanged} changed";
}
