using System.Collections.Immutable;

namespace EngineeringFramework.Core.Frameworks;

internal sealed record FrameworkSubcategory(
    string Slug,
    string Name,
    int Order,
    string? Description,
    ImmutableArray<FrameworkItem> Items);
