using System.Collections.Immutable;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// A validated framework. Categories, subcategories and items are sorted by (order, slug); templates by slug.
/// Template file paths are not kept: they are a storage detail, the exporter writes <c>templates/{slug}.md</c>.
/// </summary>
internal sealed record FrameworkDefinition(
    ImmutableArray<FrameworkCategory> Categories,
    ImmutableArray<FrameworkTemplate> Templates)
{
    public int SubcategoryCount => Categories.Sum(c => c.Subcategories.Length);

    public int ItemCount => Categories.Sum(c => c.Subcategories.Sum(s => s.Items.Length));

    public IEnumerable<FrameworkItem> AllItems =>
        Categories.SelectMany(c => c.Subcategories).SelectMany(s => s.Items);
}
