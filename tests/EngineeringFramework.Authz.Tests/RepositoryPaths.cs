using EngineeringFramework.Testing;

namespace EngineeringFramework.Authz.Tests;

/// <summary>Finds the repository root (the folder holding EngineeringFramework.slnx) from the test's base directory.</summary>
internal static class RepositoryPaths
{
    public static string Root =>
        FindRootAbove(AppContext.BaseDirectory)
        ?? FindRootAbove(SourceDirectory)
        ?? throw new InvalidOperationException("EngineeringFramework.slnx not found above " + AppContext.BaseDirectory);

    // When outputs go outside the tree (EF_ARTIFACTS_PATH), the walk starts again from the test sources.
    private static string SourceDirectory =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SourceDirectory")?.Value ?? "";

    private static string? FindRootAbove(string start)
    {
        for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EngineeringFramework.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>OpenFGA's conformance file, shared next to the repository and never copied into it.</summary>
    public static string ConformanceFile =>
        Path.GetFullPath(Path.Combine(Root, "..", "shared", "openfga", "consolidated_1_1_tests.dev.yaml"));

    /// <summary>The conformance file; absent, the test skips (or fails in CI, see <see cref="Prerequisite"/>).</summary>
    public static string SkipUnlessConformanceFileExists()
    {
        var path = ConformanceFile;
        if (!File.Exists(path))
        {
            Prerequisite.Missing($"OpenFGA conformance file not found at {path}; place it at ../shared/openfga/ relative to the repository root.");
        }

        return path;
    }

    /// <summary>OpenFGA's published HTTP API description (swagger 2.0), shared next to the repository.</summary>
    public static string SkipUnlessApiDescriptionExists()
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "openfga", "openfga-api.swagger.json"));
        if (!File.Exists(path))
        {
            Prerequisite.Missing($"OpenFGA's API description not found at {path}; place openfga-api.swagger.json at ../shared/openfga/ relative to the repository root.");
        }

        return path;
    }
}
