namespace EngineeringFramework.Core.Frameworks;

internal sealed record FrameworkTemplate(string Slug, string Name, string Markdown);
