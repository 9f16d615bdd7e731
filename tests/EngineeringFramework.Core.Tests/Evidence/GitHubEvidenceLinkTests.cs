using EngineeringFramework.Core.Evidence;
using EngineeringFramework.Core.GitHubSync;

namespace EngineeringFramework.Core.Tests.Evidence;

/// <summary>Which evidence links name something on the connected GitHub, and which never reach a request.</summary>
public sealed class GitHubEvidenceLinkTests
{
    private static readonly Uri GitHubCom = new GitHubSyncOptions().WebRoot;

    [Theory]
    [InlineData("https://github.com/acme/app/blob/main/docs/threat-model.md", EvidenceKind.File, "main", "docs/threat-model.md", null)]
    [InlineData("https://github.com/acme/app/blob/main/docs/threat-model.md#L10-L20", EvidenceKind.File, "main", "docs/threat-model.md", null)]
    [InlineData("https://www.github.com/acme/app/tree/v1.2/docs/", EvidenceKind.File, "v1.2", "docs", null)]
    [InlineData("https://github.com/acme/app/blob/3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a/src/My%20File.cs", EvidenceKind.File, "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "src/My File.cs", null)]
    [InlineData("https://github.com/acme/app/pull/42", EvidenceKind.PullRequest, null, null, 42)]
    [InlineData("https://github.com/acme/app/pull/42/files", EvidenceKind.PullRequest, null, null, 42)]
    [InlineData("http://github.com/acme/app/commit/ABCDEF1", EvidenceKind.Commit, "abcdef1", null, null)]
    public void A_github_link_is_read_into_the_parts_the_api_needs(string url, EvidenceKind kind, string? reference, string? path, int? number)
    {
        var link = GitHubEvidenceLink.TryParse(url, GitHubCom);

        Assert.NotNull(link);
        Assert.Equal((kind, "acme", "app", reference, path, number), (link.Kind, link.Owner, link.Repository, link.Reference, link.Path, link.Number));
        Assert.Equal(url, link.Url);
    }

    [Theory]
    [InlineData("https://gitlab.com/acme/app/blob/main/README.md")]
    [InlineData("https://github.com.evil.test/acme/app/blob/main/README.md")]
    [InlineData("https://api.github.com/repos/acme/app/contents/README.md")]
    [InlineData("https://github.com:8443/acme/app/blob/main/README.md")]
    [InlineData("ftp://github.com/acme/app/blob/main/README.md")]
    [InlineData("https://github.com/acme/app")]
    [InlineData("https://github.com/acme/app/issues/3")]
    [InlineData("https://github.com/acme/app/pull/0")]
    [InlineData("https://github.com/acme/app/pull/abc")]
    [InlineData("https://github.com/acme/app/commit/not-a-sha")]
    [InlineData("https://github.com/-acme/app/blob/main/README.md")]
    [InlineData("https://github.com/acme/../blob/main/README.md")]
    [InlineData("https://github.com/acme/app/blob/main/..%2F..%2Fusers")]
    [InlineData("https://github.com/acme/app/blob/main/docs/..")]
    [InlineData("https://github.com/acme/app/blob/main/a%3Fref=evil")]
    [InlineData("https://github.com/acme/app/blob/main/a%23b")]
    [InlineData("https://github.com/acme/app/blob/ma..in/README.md")]
    [InlineData("https://github.com/acme/app/blob/main/")]
    [InlineData("not a url")]
    public void Anything_else_is_not_a_github_link_and_is_never_checked(string url)
        => Assert.Null(GitHubEvidenceLink.TryParse(url, GitHubCom));

    [Fact]
    public void On_github_enterprise_server_links_are_recognised_on_the_api_host_without_its_api_path()
    {
        var webRoot = new GitHubSyncOptions { ApiBaseUrl = new Uri("https://git.acme.test/api/v3/") }.WebRoot;

        var link = GitHubEvidenceLink.TryParse("https://git.acme.test/acme/app/blob/main/README.md", webRoot);

        Assert.Equal(new Uri("https://git.acme.test/"), webRoot);
        Assert.Equal((EvidenceKind.File, "README.md"), (link!.Kind, link.Path));
        Assert.Null(GitHubEvidenceLink.TryParse("https://github.com/acme/app/blob/main/README.md", webRoot));
    }

    [Fact]
    public void An_items_links_are_taken_once_each_and_only_the_github_ones()
    {
        var links = GitHubEvidenceLink.AllIn(
            ["https://github.com/acme/app/pull/1", "https://example.com/x", "https://github.com/acme/app/pull/1", "https://github.com/acme/app/pull/2"],
            GitHubCom);

        Assert.Equal([1, 2], links.Select(l => l.Number!.Value));
    }
}
