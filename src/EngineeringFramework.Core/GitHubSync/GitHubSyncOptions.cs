namespace EngineeringFramework.Core.GitHubSync;

/// <summary>How the product talks to GitHub and runs sync jobs. The server binds <c>GITHUB_API_URL</c> to <see cref="ApiBaseUrl"/>.</summary>
public sealed record GitHubSyncOptions
{
    public const string ApiUrlKey = "GITHUB_API_URL";

    public static readonly Uri GitHubComApi = new("https://api.github.com/");

    /// <summary>The REST API root: <c>https://api.github.com/</c>, or a GitHub Enterprise Server's <c>https://host/api/v3/</c>.</summary>
    public Uri ApiBaseUrl { get; init; } = GitHubComApi;

    /// <summary>
    /// The web page of a commit, for people: github.com's for the public API, and for a GitHub Enterprise Server the
    /// same host without its <c>/api/v3/</c> path.
    /// </summary>
    public Uri CommitPage(string owner, string repository, string sha)
        => new(WebRoot, $"{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/commit/{Uri.EscapeDataString(sha)}");

    /// <summary>
    /// Where people see this GitHub's pages: <c>https://github.com/</c> for the public API, and for a GitHub Enterprise
    /// Server the API's host without its <c>/api/v3/</c> path. Evidence links are recognised on this root.
    /// </summary>
    public Uri WebRoot => ApiBaseUrl.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase)
        ? new Uri("https://github.com/")
        : new Uri(ApiBaseUrl, ApiBaseUrl.AbsolutePath.EndsWith("/api/v3/", StringComparison.OrdinalIgnoreCase) ? "../../" : "/");

    /// <summary>
    /// How often an evidence link on GitHub is looked at again once checked (<c>Evidence.EvidenceCheckRunner</c>). Every
    /// link costs one request per look, from the organization's token's hourly budget (5,000 for a personal token).
    /// </summary>
    public TimeSpan EvidenceRecheckInterval { get; init; } = TimeSpan.FromHours(12);

    /// <summary>The most evidence checks one worker claims per round; the rest wait for the next round.</summary>
    public int EvidenceChecksPerRound { get; init; } = 50;

    /// <summary>Per request to the API (branch and repository lookups).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>For the archive download, redirect included.</summary>
    public TimeSpan ArchiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest response body accepted from GitHub (the compressed archive); the framework limits bound what is inside.</summary>
    public long MaxResponseBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>
    /// How long a worker holds an organization's sync lock and the job's lease before another may take them over.
    /// The lease is not renewed, so it must outlast a whole sync (two API requests and the archive, each bounded by
    /// its timeout, then the import); a shorter one would let a second worker start the same job while the first runs.
    /// </summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The longest the GitHub part of one sync can take: two API requests and the archive, each at its timeout.</summary>
    public TimeSpan LongestDownload => (RequestTimeout * 2) + ArchiveTimeout;

    /// <summary>How often a worker looks for jobs queued by other server instances (its own wake it at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tries of one job before it is failed: each claim is a try, whether it ended in a transient failure
    /// (then the job waits and is tried again) or its worker died while holding it; a try handed back by a worker
    /// shutting down does not count.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait after the first transient failure that names no time of its own; it doubles with each further try.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait before a retry, whatever GitHub's <c>Retry-After</c> or <c>X-RateLimit-Reset</c> asks for.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>False runs no background worker in this process (jobs still queue; another instance runs them).</summary>
    public bool RunWorker { get; init; } = true;

    /// <summary>Largest webhook body read; larger deliveries are refused with 413 before the signature is computed.</summary>
    public int MaxWebhookBodyBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>How long webhook delivery ids are remembered for redelivery detection.</summary>
    public TimeSpan DeliveryRetention { get; init; } = TimeSpan.FromDays(14);
}
