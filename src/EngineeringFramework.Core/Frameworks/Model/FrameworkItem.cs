namespace EngineeringFramework.Core.Frameworks;

/// <param name="DefinitionMarkdown">Content of <c>definitions/{slug}.md</c>; null when <c>hasDefinition</c> is false.</param>
/// <param name="TemplateSlug">Null when <c>hasTemplate</c> is false.</param>
internal sealed record FrameworkItem(
    string Slug,
    string Name,
    int Order,
    bool Optional,
    string? DefinitionMarkdown,
    string? TemplateSlug);
