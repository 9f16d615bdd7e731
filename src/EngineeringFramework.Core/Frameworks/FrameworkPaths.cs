namespace EngineeringFramework.Core.Frameworks;

/// <summary>Fixed file names of the folder format.</summary>
internal static class FrameworkPaths
{
    public const string Manifest = "framework.yml";

    public const string SourceLocation = "(source)";

    public static string Definition(string itemSlug) => $"definitions/{itemSlug}.md";

    public static string Template(string templateSlug) => $"templates/{templateSlug}.md";
}
