using System.Collections.Immutable;

namespace EngineeringFramework.Core.Frameworks;

internal sealed record FrameworkCategory(
    string Slug,
    string Name,
    int Order,
    string? Description,
    ImmutableArray<FrameworkSubcategory> Subcategories);
