namespace EngineeringFramework.Core.OrganizationArchives;

/// <summary>Bounds on an archive from outside. The byte limit is the surfaces' to enforce before the body is read.</summary>
public static class OrganizationArchiveLimits
{
    /// <summary>The largest archive an import accepts: the size of the largest framework archive plus room for the rest.</summary>
    public const long MaxBytes = 32 * 1024 * 1024;

    public const int Members = 10_000;
    public const int Departments = 1_000;
    public const int Projects = 5_000;
    public const int ItemsPerProject = 2_000;
    public const int Activity = 200_000;
    public const int RoleTemplates = 200;
    public const int EmailLength = 320;
    public const int SlugLength = 100;
    public const int ItemNameLength = 300;
    public const int ClientLength = 200;
    public const int ActionLength = 100;
    public const int ChangesLength = 40_000;
    public const int FrameworkFiles = 2_000;
}
