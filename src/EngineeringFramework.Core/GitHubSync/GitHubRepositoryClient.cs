using System.Reflection;
using Octokit;
using Octokit.Internal;

namespace EngineeringFramework.Core.GitHubSync;

/// <summary>Where a repository check failed, named by the settings field an admin has to change.</summary>
public sealed record GitHubAccessProblem(string Field, string Message);

/// <summary>What a token may do with the repository: <see cref="Problem"/> is null when it reads it and the branch.</summary>
/// <param name="CanPostStatuses">GitHub's <c>permissions.push</c> for the token on the repository: commit statuses need push access.</param>
internal sealed record GitHubAccess(GitHubAccessProblem? Problem, bool CanPostStatuses);

/// <summary>
/// The few GitHub calls a sync makes, through Octokit, for one repository and one token. Every request passes
/// the <see cref="GitHubEgressGuard"/>; <see cref="Requests"/> counts them. A sync needs at most three: the
/// branch head, the tarball link, and the archive it redirects to.
/// </summary>
internal sealed class GitHubRepositoryClient : IDisposable
{
    private static readonly ProductHeaderValue Product = new(
        "EngineeringFramework",
        typeof(GitHubRepositoryClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0");

    private readonly GitHubEgressGuard guard;
    private readonly HttpClientAdapter adapter;
    private readonly GitHubClient client;
    private readonly GitHubSyncOptions options;
    private readonly string owner;
    private readonly string repository;
    private readonly TimeProvider time;

    public GitHubRepositoryClient(GitHubSyncOptions options, HttpMessageHandler transport, string owner, string repository, string token, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        this.owner = owner;
        this.repository = repository;
        guard = new GitHubEgressGuard(new GitHubEndpoints(options.ApiBaseUrl), options.MaxResponseBytes, new SharedTransport(transport));
        adapter = new HttpClientAdapter(() => guard);
        adapter.SetRequestTimeout(options.ArchiveTimeout);
        // This constructor takes the base address as given (GitHubClient's own would append /api/v3/ to any
        // host but github.com): GITHUB_API_URL names the API root exactly.
        var connection = new Connection(Product, options.ApiBaseUrl, new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)), adapter, new SimpleJsonSerializer());
        client = new GitHubClient(connection);
    }

    public int Requests => guard.Requests;

    /// <summary>
    /// Checks that the token reads the repository and the branch (else the field to fix), and whether it may post
    /// commit statuses. GitHub answers the repository with the caller's <c>permissions</c>; posting a status needs
    /// push access (a classic token's <c>repo</c> or <c>repo:status</c> scope, a fine-grained token's "Commit statuses:
    /// write", which GitHub reports as push). It is the best answer short of posting a status, which would leave one
    /// on a commit nobody asked to check.
    /// </summary>
    public async Task<GitHubAccess> CheckAccessAsync(string branch, CancellationToken cancellationToken)
    {
        bool canPush;
        try
        {
            var found = await WithTimeout(() => client.Repository.Get(owner, repository), options.RequestTimeout, cancellationToken);
            canPush = found.Permissions is { } permissions && (permissions.Push || permissions.Admin || permissions.Maintain);
        }
        catch (Octokit.NotFoundException)
        {
            return new(new("repository", $"The repository {owner}/{repository} does not exist, or the token cannot read it."), false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            return new(new("token", problem.Message), false);
        }

        try
        {
            await GetHeadCommitAsync(branch, cancellationToken);
        }
        catch (GitHubAccessException ex) when (ex.InnerException is Octokit.NotFoundException)
        {
            return new(new("branch", $"The branch '{branch}' does not exist in {owner}/{repository}, or the token cannot read it."), false);
        }
        catch (GitHubAccessException ex)
        {
            return new(new("token", ex.Message), false);
        }

        return new(null, canPush);
    }

    /// <summary>The commit the branch points at.</summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed.</exception>
    public async Task<string> GetHeadCommitAsync(string branch, CancellationToken cancellationToken)
    {
        try
        {
            var head = await WithTimeout(() => client.Repository.Branch.Get(owner, repository, branch), options.RequestTimeout, cancellationToken);
            return head.Commit?.Sha is { Length: > 0 } sha ? sha : throw new GitHubAccessException($"GitHub returned no commit for the branch '{branch}'.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
        catch (Octokit.NotFoundException ex)
        {
            throw new GitHubAccessException($"The branch '{branch}' of {owner}/{repository} was not found, or the token can no longer read it.", ex);
        }
    }

    /// <summary>The repository's tarball at <paramref name="commitSha"/>, whole and within the size limit.</summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed, or the archive is too large.</exception>
    public async Task<byte[]> DownloadTarballAsync(string commitSha, CancellationToken cancellationToken)
    {
        try
        {
            return await WithTimeout(() => client.Repository.Content.GetArchive(owner, repository, ArchiveFormat.Tarball, commitSha, options.ArchiveTimeout), options.ArchiveTimeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
        catch (Octokit.NotFoundException ex)
        {
            throw new GitHubAccessException($"GitHub has no archive of {owner}/{repository} at {commitSha}.", ex);
        }
    }

    /// <summary>Posts a commit status on <paramref name="commitSha"/>.</summary>
    /// <exception cref="GitHubStatusRefusedException">GitHub refused it (403, 404, 422): trying again will not help.</exception>
    /// <exception cref="GitHubAccessException">GitHub failed (transient ones may be retried).</exception>
    public async Task PostStatusAsync(string commitSha, CommitState state, string description, Uri targetUrl, string context, CancellationToken cancellationToken)
    {
        var status = new NewCommitStatus { State = state, Description = description, TargetUrl = targetUrl.AbsoluteUri, Context = context };
        try
        {
            await WithTimeout(() => client.Repository.Status.Create(owner, repository, commitSha, status), options.RequestTimeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { Transient: true } transient)
        {
            throw transient;
        }
        catch (Exception ex) when (ex is Octokit.ForbiddenException or Octokit.NotFoundException or AuthorizationException or ApiValidationException)
        {
            throw new GitHubStatusRefusedException((int)((ApiException)ex).StatusCode, ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>Whether the commit already carries a status of <paramref name="context"/> pointing at <paramref name="targetUrl"/> in <paramref name="state"/>.</summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed.</exception>
    public async Task<bool> HasStatusAsync(string commitSha, CommitState state, Uri targetUrl, string context, CancellationToken cancellationToken)
    {
        try
        {
            var statuses = await WithTimeout(() => client.Repository.Status.GetAll(owner, repository, commitSha, new ApiOptions { PageSize = 100, PageCount = 1 }), options.RequestTimeout, cancellationToken);
            return statuses.Any(s => s.Context == context && s.State.Value == state && s.TargetUrl == targetUrl.AbsoluteUri);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
        catch (Octokit.NotFoundException ex)
        {
            throw new GitHubAccessException($"GitHub has no commit {commitSha} in {owner}/{repository}.", ex);
        }
    }

    /// <summary>
    /// The last commit that touched <paramref name="path"/> (a file or a folder) as of <paramref name="reference"/>; null
    /// when the path is not there, or no such reference or repository exists for this token. Two requests: whether the
    /// path exists at the reference (the contents API), then its history; the history alone would name the commit that
    /// deleted a file as its last one.
    /// </summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed.</exception>
    public async Task<string?> LastCommitOfPathAsync(string reference, string path, CancellationToken cancellationToken)
    {
        try
        {
            await WithTimeout(() => client.Repository.Content.GetAllContentsByRef(owner, repository, path, reference), options.RequestTimeout, cancellationToken);
            var commits = await WithTimeout(
                () => client.Repository.Commit.GetAll(owner, repository, new CommitRequest { Sha = reference, Path = path }, new ApiOptions { PageSize = 1, PageCount = 1, StartPage = 1 }),
                options.RequestTimeout,
                cancellationToken);
            return commits.Count > 0 && commits[0].Sha is { Length: > 0 } sha ? sha : null;
        }
        catch (Exception ex) when (ex is Octokit.NotFoundException or ApiValidationException)
        {
            // 404 for a repository the token cannot see, 422 ("No commit found for SHA") for a reference that does not exist.
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>The pull request's state in words ("open", "merged", "closed"); null when it does not exist for this token.</summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed.</exception>
    public async Task<string?> PullRequestStateAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            var pull = await WithTimeout(() => client.PullRequest.Get(owner, repository, number), options.RequestTimeout, cancellationToken);
            return pull.Merged ? "merged" : pull.State.StringValue;
        }
        catch (Octokit.NotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>The full sha of the commit <paramref name="reference"/> names; null when it does not exist for this token.</summary>
    /// <exception cref="GitHubAccessException">GitHub refused or failed.</exception>
    public async Task<string?> CommitShaAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            var commit = await WithTimeout(() => client.Repository.Commit.Get(owner, repository, reference), options.RequestTimeout, cancellationToken);
            return commit.Sha is { Length: > 0 } sha ? sha : null;
        }
        catch (Exception ex) when (ex is Octokit.NotFoundException or ApiValidationException)
        {
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } problem)
        {
            throw problem;
        }
    }

    public void Dispose() => adapter.Dispose();

    // Octokit's calls take no cancellation token; the wait is bounded here, and the request itself by the adapter's timeout.
    private static async Task<T> WithTimeout<T>(Func<Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        await call().WaitAsync(timeout, cancellationToken);

    /// <summary>A safe, actionable message, with whether a retry can help, for every failure except "not found" (which callers word for their context).</summary>
    private GitHubAccessException? Classify(Exception exception) => GitHubFailure.Classify(exception, time);

    /// <summary>The process-wide connection pool, which one client's disposal must not close.</summary>
    private sealed class SharedTransport(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
            // Deliberately not disposing the inner handler: it is shared by every client.
        }
    }
}
