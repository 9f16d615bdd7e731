using System.Globalization;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.GitHubSync;

namespace EngineeringFramework.Core.Evidence;

/// <summary>What an evidence link on GitHub points at.</summary>
public enum EvidenceKind
{
    /// <summary>A file or folder at a branch, tag or commit (<c>/blob/</c> or <c>/tree/</c>): its last commit is recorded, and a newer one means it changed.</summary>
    File,

    /// <summary>A pull request (<c>/pull/N</c>): checked to exist.</summary>
    PullRequest,

    /// <summary>A commit (<c>/commit/SHA</c>): checked to exist.</summary>
    Commit,
}

/// <summary>
/// An evidence link that names something on the organization's GitHub, in the parts the API needs. Only links on the
/// GitHub web host that belongs to the configured API (github.com for api.github.com, the same host for GitHub
/// Enterprise Server) are recognised, and every part is checked against GitHub's own rules before it reaches a request,
/// so a link can never steer a request anywhere but that API.
/// </summary>
/// <param name="Url">The link as stored on the item (the key the check is kept under).</param>
/// <param name="Reference">For a file: the branch, tag or commit in the link. For a commit: its sha.</param>
/// <param name="Path">For a file: the path inside the repository, without leading or trailing slashes.</param>
/// <param name="Number">For a pull request: its number.</param>
public sealed partial record GitHubEvidenceLink(string Url, EvidenceKind Kind, string Owner, string Repository, string? Reference, string? Path, int? Number)
{
    public const int MaxPathLength = 1000;

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha();

    /// <summary>
    /// The GitHub link in <paramref name="url"/>, or null when it is not one (another host, another kind of page, or
    /// parts GitHub would not accept). A query and a fragment (<c>#L10-L20</c>) are ignored.
    /// </summary>
    /// <remarks>
    /// A branch name may hold slashes, and GitHub's own pages resolve <c>/blob/a/b/c</c> by trying the longest branch
    /// that exists. Without a request that is undecidable, so the first segment is taken as the reference (a branch,
    /// tag or commit without slashes, which is what "Copy permalink" and most links use); a link to a branch with a
    /// slash in its name is reported missing rather than checked against the wrong file.
    /// </remarks>
    public static GitHubEvidenceLink? TryParse(string url, Uri webRoot)
    {
        // http or https alike: the link only names the thing; the check itself always goes to the configured API.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !SameHost(uri, webRoot))
        {
            return null;
        }

        var rootPath = webRoot.AbsolutePath.TrimEnd('/');
        var path = uri.AbsolutePath;
        if (!path.StartsWith(rootPath + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = path[(rootPath.Length + 1)..].Split('/');
        if (segments.Length < 4)
        {
            return null;
        }

        var owner = Uri.UnescapeDataString(segments[0]);
        var repository = Uri.UnescapeDataString(segments[1]);
        if (!GitHubNames.Owner().IsMatch(owner) || !GitHubNames.Repository().IsMatch(repository))
        {
            return null;
        }

        switch (segments[2])
        {
            case "pull" when segments.Length == 4 || (segments.Length == 5 && segments[4] is "" or "files" or "commits" or "checks"):
                return int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                    ? new(url, EvidenceKind.PullRequest, owner, repository, null, null, number)
                    : null;
            case "commit" when segments.Length == 4 && Sha().IsMatch(segments[3]):
                return new(url, EvidenceKind.Commit, owner, repository, segments[3].ToLowerInvariant(), null, null);
            case "blob" or "tree" when segments.Length >= 5:
                var reference = Uri.UnescapeDataString(segments[3]);
                var filePath = string.Join('/', segments[4..].Where(s => s.Length > 0).Select(Uri.UnescapeDataString));
                return GitHubNames.IsValidBranch(reference) && IsValidPath(filePath)
                    ? new(url, EvidenceKind.File, owner, repository, reference, filePath, null)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The GitHub links among an item's evidence, each once.</summary>
    public static List<GitHubEvidenceLink> AllIn(IEnumerable<string> links, Uri webRoot)
        => [.. links.Distinct(StringComparer.Ordinal).Select(l => TryParse(l, webRoot)).OfType<GitHubEvidenceLink>()];

    private static bool SameHost(Uri uri, Uri webRoot)
        => (uri.IsDefaultPort && webRoot.IsDefaultPort || uri.Port == webRoot.Port)
            && (string.Equals(uri.Host, webRoot.Host, StringComparison.OrdinalIgnoreCase)
                || (webRoot.Host.Equals("github.com", StringComparison.OrdinalIgnoreCase) && uri.Host.Equals("www.github.com", StringComparison.OrdinalIgnoreCase)));

    // A repository path as git stores it: no empty, "." or ".." segment, no control characters; and none of the
    // characters that would change the meaning of the API address it is put into ('?', '#', '%', '\'), which git allows
    // in names but no evidence file needs.
    private static bool IsValidPath(string path)
        => path.Length is > 0 and <= MaxPathLength
            && !path.Any(c => char.IsControl(c) || c is '?' or '#' or '%' or '\\')
            && path.Split('/').All(s => s is not ("" or "." or ".."));
}
