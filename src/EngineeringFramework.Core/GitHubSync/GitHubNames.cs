using System.Text.RegularExpressions;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>GitHub's rules for the names an admin types, checked before any of them reaches a URL.</summary>
internal static partial class GitHubNames
{
    public const int MaxOwnerLength = 39;
    public const int MaxRepositoryLength = 100;
    public const int MaxBranchLength = 255;

    /// <summary>Users and organizations: alphanumerics and single inner hyphens, at most 39 characters.</summary>
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$", RegexOptions.CultureInvariant)]
    public static partial Regex Owner();

    /// <summary>Repositories: letters, digits, '.', '-', '_'; never "." or "..".</summary>
    [GeneratedRegex(@"^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    public static partial Regex Repository();

    /// <summary>
    /// A branch name as git's check-ref-format allows it, restricted to printable ASCII: no "..", no control
    /// characters, none of <c>~^:?*[\</c> or spaces (nor '#' and '%', which would change a URL's meaning), no leading '/', '-' or '.', no trailing '/' or ".lock",
    /// no "@{" and no "//".
    /// </summary>
    public static bool IsValidBranch(string branch)
    {
        if (branch.Length is 0 or > MaxBranchLength || branch == "@")
        {
            return false;
        }

        foreach (var c in branch)
        {
            if (c <= ' ' || c >= 0x7f || c is '~' or '^' or ':' or '?' or '*' or '[' or '\\' or '#' or '%')
            {
                return false;
            }
        }

        return !branch.StartsWith('/') && !branch.StartsWith('-') && !branch.StartsWith('.')
            && !branch.EndsWith('/') && !branch.EndsWith('.') && !branch.EndsWith(".lock", StringComparison.Ordinal)
            && !branch.Contains("..", StringComparison.Ordinal) && !branch.Contains("@{", StringComparison.Ordinal)
            && !branch.Contains("//", StringComparison.Ordinal) && !branch.Contains("/.", StringComparison.Ordinal);
    }
}
