namespace EngineeringFramework.Core.Frameworks;

/// <param name="DefinitionMarkdown">Content of <c>definitions/{slug}.md</c>; null when <c>hasDefinition</c> is false.</param>
/// <param name="TemplateSlug">Null when <c>hasTemplate</c> is false.</param>
/// <param name="ReviewIntervalDays">
/// <c>reviewIntervalDays</c>: once done, the item should be reviewed again every this many days (1 to
/// <see cref="FrameworkLimits.MaxReviewIntervalDays"/>); null when the framework asks for no review.
/// </param>
internal sealed record FrameworkItem(
    string Slug,
    string Name,
    int Order,
    bool Optional,
    string? DefinitionMarkdown,
    string? TemplateSlug,
    int? ReviewIntervalDays = null);
