namespace EngineeringFramework.Core.Frameworks;

// framework.yml as written, before cross-checks. A null field means "absent or invalid, error already
// reported", so later checks skip it instead of piling a second error on the same cause.

internal sealed record RawManifest(IReadOnlyList<RawCategory> Categories, IReadOnlyList<RawTemplate> Templates);

internal sealed record RawCategory(
    string Location, string? Name, string? Slug, int? Order, string? Description, IReadOnlyList<RawSubcategory> Subcategories);

internal sealed record RawSubcategory(
    string Location, string? Name, string? Slug, int? Order, string? Description, IReadOnlyList<RawItem> Items);

internal sealed record RawItem(
    string Location,
    string? Name,
    string? Slug,
    int? Order,
    bool? Optional,
    bool? HasDefinition,
    bool? HasTemplate,
    string? TemplateSlug,
    bool TemplateSlugPresent,
    int? ReviewIntervalDays = null);

internal sealed record RawTemplate(string Location, string? Name, string? Slug, string? File);
