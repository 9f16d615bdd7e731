using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Testing;

/// <summary>
/// A local stand-in for the GitHub REST API, on a loopback port, serving the endpoints a sync uses from
/// in-memory repositories: <c>GET /repos/{owner}/{repo}</c>, <c>GET /repos/{owner}/{repo}/branches/{branch}</c>
/// and <c>GET /repos/{owner}/{repo}/tarball/{ref}</c>, which redirects (302) to an archive URL on the same
/// host, as api.github.com redirects to codeload; and the commit statuses a check posts
/// (<c>POST /repos/{owner}/{repo}/statuses/{sha}</c>, <c>GET /repos/{owner}/{repo}/commits/{ref}/statuses</c>).
/// Every request is recorded with the token it carried.
/// </summary>
public sealed partial class FakeGitHub : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Repo> repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<FakeGitHubRequest> requests = new();
    private readonly ConcurrentQueue<FakeGitHubStatus> statuses = new();
    private readonly ConcurrentDictionary<FakeGitHubEndpoint, Fault> faults = new();
    private readonly ConcurrentDictionary<FakeGitHubEndpoint, bool> holds = new();
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeGitHub(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>The API root to configure as GITHUB_API_URL (with a trailing slash).</summary>
    public Uri ApiUrl => new(app.Urls.First() + "/");

    /// <summary>The one token this fake accepts.</summary>
    public string Token { get; set; } = "ghp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));

    /// <summary>When true, the archive download sends half of its declared length and then closes the connection.</summary>
    public bool BreakArchiveDownloads { get; set; }

    /// <summary>When set, the tarball endpoint redirects here instead of to its own archive URL.</summary>
    public Uri? ArchiveRedirectOverride { get; set; }

    /// <summary>Runs after each branch lookup has read the head, before it answers: a push "in the middle of a sync" happens here.</summary>
    public Action? AfterBranchRead { get; set; }

    /// <summary>Completes when a request reaches a <see cref="Hold"/>: proof that the client is waiting on it.</summary>
    public Task RequestHeld => held.Task;

    /// <summary>Branches the token may not read (404, as GitHub answers for them).</summary>
    public HashSet<string> HiddenBranches { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<FakeGitHubRequest> Requests => [.. requests];

    /// <summary>Repositories ("owner/name") the token may read but not push to: GitHub reports <c>permissions.push</c> false and refuses statuses (403).</summary>
    public HashSet<string> ReadOnlyRepositories { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every commit status accepted, in order.</summary>
    public IReadOnlyList<FakeGitHubStatus> Statuses => [.. statuses];

    /// <summary>The statuses accepted for <paramref name="sha"/>.</summary>
    public IReadOnlyList<FakeGitHubStatus> StatusesOf(string sha) => [.. statuses.Where(s => s.Sha == sha)];

    /// <summary>When true, a status is stored but its answer never arrives (the connection is cut): a post whose outcome the client cannot know.</summary>
    public bool LoseStatusAnswers { get; set; }

    public static async Task<FakeGitHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGitHub(app);
        app.Use(async (context, next) =>
        {
            fake.requests.Enqueue(new FakeGitHubRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString()));
            await next(context);
        });
        app.MapGet("/repos/{owner}/{repo}", (string owner, string repo, HttpContext context) => fake.RepositoryAsync(owner, repo, context));
        app.MapGet("/repos/{owner}/{repo}/branches/{**branch}", (string owner, string repo, string branch, HttpContext context) => fake.BranchAsync(owner, repo, branch, context));
        app.MapGet("/repos/{owner}/{repo}/tarball/{**reference}", (string owner, string repo, string reference, HttpContext context) => fake.TarballAsync(owner, repo, reference, context));
        app.MapPost("/repos/{owner}/{repo}/statuses/{sha}", (string owner, string repo, string sha, HttpContext context) => fake.PostStatusAsync(owner, repo, sha, context));
        app.MapGet("/repos/{owner}/{repo}/commits/{reference}/statuses", (string owner, string repo, string reference, HttpContext context) => fake.ListStatusesAsync(owner, repo, reference, context));
        fake.MapEvidenceEndpoints(app);
        app.MapGet("/_codeload/{owner}/{repo}/tar.gz/{sha}", (string owner, string repo, string sha, HttpContext context) => fake.ArchiveAsync(owner, repo, sha, context));
        await app.StartAsync();
        return fake;
    }

    /// <summary>Points <paramref name="branch"/> at a new commit holding <paramref name="files"/>; returns its sha.</summary>
    public string Push(string owner, string repository, string branch, IReadOnlyDictionary<string, byte[]> files)
    {
        var repo = repositories.GetOrAdd($"{owner}/{repository}", _ => new Repo(owner, repository));
        var parent = repo.Branches.GetValueOrDefault(branch);
        var sha = Commit(owner, repository, files);
        if (parent is not null)
        {
            repo.Parents[sha] = parent;
        }

        repo.Branches[branch] = sha;
        return sha;
    }

    /// <summary>A commit no branch points at (a pull request's head from a fork, which GitHub serves from the base repository too).</summary>
    public string Commit(string owner, string repository, IReadOnlyDictionary<string, byte[]> files)
    {
        var repo = repositories.GetOrAdd($"{owner}/{repository}", _ => new Repo(owner, repository));
        var sha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        repo.Commits[sha] = files;
        return sha;
    }

    public void ClearRequests() => requests.Clear();

    /// <summary>
    /// Answers the next <paramref name="times"/> requests to <paramref name="endpoint"/> with <paramref name="status"/>,
    /// <paramref name="headers"/> and GitHub's JSON error body carrying <paramref name="message"/>, instead of the real answer.
    /// </summary>
    public void Fail(FakeGitHubEndpoint endpoint, int status, string message, IReadOnlyDictionary<string, string>? headers = null, int times = int.MaxValue)
        => faults[endpoint] = new Fault(status, message, headers ?? new Dictionary<string, string>(), times);

    /// <summary>Answers <paramref name="endpoint"/> normally again.</summary>
    public void Heal(FakeGitHubEndpoint endpoint)
    {
        faults.TryRemove(endpoint, out _);
        holds.TryRemove(endpoint, out _);
    }

    /// <summary>
    /// Requests to <paramref name="endpoint"/> get no answer (the archive: half of its bytes, then nothing) until the
    /// client gives up or goes away, or <see cref="DisposeAsync"/> ends them: a GitHub that hangs, or a download in flight.
    /// </summary>
    public void Hold(FakeGitHubEndpoint endpoint) => holds[endpoint] = true;

    /// <summary>GitHub's primary rate limit: 403, no requests left until <paramref name="reset"/>.</summary>
    public static IReadOnlyDictionary<string, string> PrimaryRateLimit(DateTimeOffset reset) => new Dictionary<string, string>
    {
        ["x-ratelimit-limit"] = "5000",
        ["x-ratelimit-remaining"] = "0",
        ["x-ratelimit-used"] = "5000",
        ["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>GitHub's secondary rate limit: 403 or 429 with the seconds to wait.</summary>
    public static IReadOnlyDictionary<string, string> RetryAfter(int seconds) => new Dictionary<string, string>
    {
        ["retry-after"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Answers with the configured fault or hold for <paramref name="endpoint"/>, if any; true when it did.</summary>
    private async Task<bool> FaultAsync(FakeGitHubEndpoint endpoint, HttpContext context)
    {
        if (holds.ContainsKey(endpoint) && endpoint != FakeGitHubEndpoint.Archive)
        {
            await HoldAsync(context);
            return true;
        }

        if (!faults.TryGetValue(endpoint, out var fault) || Interlocked.Decrement(ref fault.Remaining) < 0)
        {
            return false;
        }

        context.Response.StatusCode = fault.Status;
        foreach (var (name, value) in fault.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsJsonAsync(new { message = fault.Message, documentation_url = "https://docs.github.com/rest" });
        return true;
    }

    private async Task HoldAsync(HttpContext context)
    {
        held.TrySetResult();
        try
        {
            await released.Task.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (its timeout) or died.
        }

        context.Abort();
    }

    /// <summary>Every request received (API and archive) since the last <see cref="ClearRequests"/>.</summary>
    public int RequestCount => requests.Count;

    private async Task RepositoryAsync(string owner, string repo, HttpContext context)
    {
        if (!await FaultAsync(FakeGitHubEndpoint.Repository, context))
        {
            await RepositoryAnswerAsync(owner, repo, context);
        }
    }

    private Task RepositoryAnswerAsync(string owner, string repo, HttpContext context)
    {
        if (!Authorized(context))
        {
            return Unauthorized(context);
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found))
        {
            return NotFound(context);
        }

        return context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["id"] = Math.Abs(found.FullName.GetHashCode(StringComparison.Ordinal)),
            ["name"] = found.Name,
            ["full_name"] = found.FullName,
            ["private"] = true,
            ["default_branch"] = found.Branches.Keys.FirstOrDefault() ?? "main",
            ["owner"] = new Dictionary<string, object> { ["login"] = found.Owner, ["id"] = 1, ["type"] = "Organization" },
            ["permissions"] = new Dictionary<string, bool> { ["admin"] = false, ["push"] = !ReadOnlyRepositories.Contains(found.FullName), ["pull"] = true },
        });
    }

    private async Task BranchAsync(string owner, string repo, string branch, HttpContext context)
    {
        if (!await FaultAsync(FakeGitHubEndpoint.Branch, context))
        {
            await BranchAnswerAsync(owner, repo, branch, context);
        }
    }

    private Task BranchAnswerAsync(string owner, string repo, string branch, HttpContext context)
    {
        if (!Authorized(context))
        {
            return Unauthorized(context);
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found) || HiddenBranches.Contains(branch) || !found.Branches.TryGetValue(branch, out var sha))
        {
            return NotFound(context);
        }

        // The head is read; a push now (before the client even has the answer) moves the branch under the sync.
        AfterBranchRead?.Invoke();
        return context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["name"] = branch,
            ["commit"] = new Dictionary<string, object> { ["sha"] = sha, ["url"] = $"{ApiUrl}repos/{owner}/{repo}/commits/{sha}" },
            ["protected"] = false,
        });
    }

    private async Task TarballAsync(string owner, string repo, string reference, HttpContext context)
    {
        if (!await FaultAsync(FakeGitHubEndpoint.Tarball, context))
        {
            await TarballAnswerAsync(owner, repo, reference, context);
        }
    }

    private Task TarballAnswerAsync(string owner, string repo, string reference, HttpContext context)
    {
        if (!Authorized(context))
        {
            return Unauthorized(context);
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found))
        {
            return NotFound(context);
        }

        var sha = found.Commits.ContainsKey(reference) ? reference : found.Branches.GetValueOrDefault(reference);
        if (sha is null)
        {
            return NotFound(context);
        }

        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = (ArchiveRedirectOverride ?? new Uri(ApiUrl, $"_codeload/{owner}/{repo}/tar.gz/{sha}")).AbsoluteUri;
        return Task.CompletedTask;
    }

    private async Task PostStatusAsync(string owner, string repo, string sha, HttpContext context)
    {
        if (await FaultAsync(FakeGitHubEndpoint.Status, context))
        {
            return;
        }

        if (!Authorized(context))
        {
            await Unauthorized(context);
            return;
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found) || !found.Commits.ContainsKey(sha))
        {
            await NotFound(context);
            return;
        }

        if (ReadOnlyRepositories.Contains(found.FullName))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { message = "Resource not accessible by personal access token", documentation_url = "https://docs.github.com/rest/commits/statuses" });
            return;
        }

        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
        string? Field(string name) => body.RootElement.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        var status = new FakeGitHubStatus(found.FullName, sha, Field("state") ?? "", Field("description"), Field("target_url"), Field("context") ?? "default", context.Request.Headers.Authorization.ToString());
        statuses.Enqueue(status);
        if (LoseStatusAnswers)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(StatusJson(status, statuses.Count));
    }

    private async Task ListStatusesAsync(string owner, string repo, string reference, HttpContext context)
    {
        if (!Authorized(context))
        {
            await Unauthorized(context);
            return;
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found) || !found.Commits.ContainsKey(reference))
        {
            await NotFound(context);
            return;
        }

        // Newest first, as GitHub lists them.
        await context.Response.WriteAsJsonAsync(statuses.Where(s => s.Repository == found.FullName && s.Sha == reference).Reverse().Select((s, i) => StatusJson(s, i + 1)).ToList());
    }

    private static Dictionary<string, object?> StatusJson(FakeGitHubStatus status, int id) => new()
    {
        ["id"] = id,
        ["url"] = $"https://api.github.invalid/repos/{status.Repository}/statuses/{status.Sha}",
        ["state"] = status.State,
        ["description"] = status.Description,
        ["target_url"] = status.TargetUrl,
        ["context"] = status.Context,
        ["created_at"] = "2026-01-01T00:00:00Z",
        ["updated_at"] = "2026-01-01T00:00:00Z",
        ["creator"] = new Dictionary<string, object> { ["login"] = "bot", ["id"] = 2, ["type"] = "User" },
    };

    private async Task ArchiveAsync(string owner, string repo, string sha, HttpContext context)
    {
        if (await FaultAsync(FakeGitHubEndpoint.Archive, context))
        {
            return;
        }

        if (!repositories.TryGetValue($"{owner}/{repo}", out var found) || !found.Commits.TryGetValue(sha, out var files))
        {
            await NotFound(context);
            return;
        }

        var archive = SyncFixtures.TarGz(files, $"{owner}-{repo}-{sha[..7]}");
        context.Response.ContentType = "application/x-gzip";
        context.Response.ContentLength = archive.Length;
        if (BreakArchiveDownloads)
        {
            // Half of the promised bytes, then the end of the response: Kestrel closes the connection (gracefully,
            // after sending what was written), so the client reads half an archive and then an early end of stream.
            await context.Response.Body.WriteAsync(archive.AsMemory(0, archive.Length / 2));
            return;
        }

        if (holds.ContainsKey(FakeGitHubEndpoint.Archive))
        {
            // Mid-download: half of the archive is on the wire, the rest never comes.
            await context.Response.Body.WriteAsync(archive.AsMemory(0, archive.Length / 2));
            await context.Response.Body.FlushAsync();
            await HoldAsync(context);
            return;
        }

        await context.Response.Body.WriteAsync(archive);
    }

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header == "Bearer " + Token || header == "token " + Token;
    }

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsJsonAsync(new { message = "Bad credentials", documentation_url = "https://docs.github.com/rest" });
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsJsonAsync(new { message = "Not Found", documentation_url = "https://docs.github.com/rest" });
    }

    public async ValueTask DisposeAsync()
    {
        released.TrySetResult();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class Fault(int status, string message, IReadOnlyDictionary<string, string> headers, int times)
    {
        public int Status { get; } = status;

        public string Message { get; } = message;

        public IReadOnlyDictionary<string, string> Headers { get; } = headers;

        public int Remaining = times;
    }

    private sealed class Repo(string owner, string name)
    {
        public string Owner { get; } = owner;

        public string Name { get; } = name;

        public string FullName => $"{Owner}/{Name}";

        public ConcurrentDictionary<string, string> Branches { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, IReadOnlyDictionary<string, byte[]>> Commits { get; } = new(StringComparer.Ordinal);

        /// <summary>Each pushed commit's parent (the branch head it was pushed on).</summary>
        public ConcurrentDictionary<string, string> Parents { get; } = new(StringComparer.Ordinal);

        /// <summary>Pull requests by number: their state ("open", "closed") and whether merged.</summary>
        public ConcurrentDictionary<int, (string State, bool Merged)> PullRequests { get; } = new();
    }
}

public sealed record FakeGitHubRequest(string Method, string PathAndQuery, string Authorization);

/// <summary>A commit status the fake accepted.</summary>
public sealed record FakeGitHubStatus(string Repository, string Sha, string State, string? Description, string? TargetUrl, string Context, string Authorization);

/// <summary>The fake's endpoints, for <see cref="FakeGitHub.Fail"/> and <see cref="FakeGitHub.Hold"/>.</summary>
public enum FakeGitHubEndpoint
{
    /// <summary><c>GET /repos/{owner}/{repo}</c>.</summary>
    Repository,

    /// <summary><c>GET /repos/{owner}/{repo}/branches/{branch}</c>: the head commit.</summary>
    Branch,

    /// <summary><c>GET /repos/{owner}/{repo}/tarball/{ref}</c>: the redirect to the archive.</summary>
    Tarball,

    /// <summary>The archive itself (codeload's role).</summary>
    Archive,

    /// <summary><c>POST /repos/{owner}/{repo}/statuses/{sha}</c>: a commit status.</summary>
    Status,

    /// <summary><c>GET /repos/{owner}/{repo}/commits</c> and <c>…/commits/{ref}</c>: commit history and single commits (evidence checks).</summary>
    Commits,

    /// <summary><c>GET /repos/{owner}/{repo}/pulls/{number}</c> (evidence checks).</summary>
    PullRequest,
}
