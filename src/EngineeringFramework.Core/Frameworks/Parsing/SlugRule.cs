namespace EngineeringFramework.Core.Frameworks;

/// <summary>Slugs match <c>^[a-z0-9-]+$</c>. A loop, not a regex: in .NET "$" also matches before a trailing "\n".</summary>
internal static class SlugRule
{
    public static bool IsValid(string value) =>
        value.Length > 0 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
