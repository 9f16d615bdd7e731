using System.Reflection;

namespace EngineeringFramework.Testing;

/// <summary>Paths of the repository under test and of the shared folder beside it.</summary>
public static class Repository
{
    public static string Root { get; } = Path.GetFullPath(
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    public static string InRepository(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary><c>../shared</c> beside the repository, where CI always puts it.</summary>
    public static string SharedFile(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));
        if (!File.Exists(path))
        {
            Prerequisite.Missing($"{path} is absent: this test reads ../shared beside the repository.");
        }

        return path;
    }
}
