using EngineeringFramework.Core.GitHubSync;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// The <c>GitHubSync:*</c> settings of the sync worker (environment: <c>GitHubSync__LeaseSeconds</c> …), validated at
/// start-up: a malformed or out-of-range value stops the start and is named, where it used to be floored or ignored.
/// </summary>
internal static class GitHubSyncWorkerSettings
{
    public const string RunWorkerKey = "GitHubSync:RunWorker";
    public const string PollSecondsKey = "GitHubSync:PollSeconds";
    public const string RequestTimeoutSecondsKey = "GitHubSync:RequestTimeoutSeconds";
    public const string ArchiveTimeoutSecondsKey = "GitHubSync:ArchiveTimeoutSeconds";
    public const string LeaseSecondsKey = "GitHubSync:LeaseSeconds";
    public const string MaxAttemptsKey = "GitHubSync:MaxAttempts";

    public static (GitHubSyncOptions? Options, IReadOnlyList<string> Errors) Read(IConfiguration configuration, Uri apiBaseUrl)
    {
        var errors = new List<string>();
        var defaults = new GitHubSyncOptions();
        var runWorker = SettingValues.ReadBool(configuration, RunWorkerKey, defaults.RunWorker, errors);
        var poll = SettingValues.ReadInt(configuration, PollSecondsKey, Seconds(defaults.PollInterval), 1, 3600, errors);
        var request = SettingValues.ReadInt(configuration, RequestTimeoutSecondsKey, Seconds(defaults.RequestTimeout), 1, 600, errors);
        var archive = SettingValues.ReadInt(configuration, ArchiveTimeoutSecondsKey, Seconds(defaults.ArchiveTimeout), 1, 3600, errors);
        var lease = SettingValues.ReadInt(configuration, LeaseSecondsKey, Seconds(defaults.LockDuration), 1, 24 * 3600, errors);
        var maxAttempts = SettingValues.ReadInt(configuration, MaxAttemptsKey, defaults.MaxAttempts, 1, 100, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (defaults with
        {
            ApiBaseUrl = apiBaseUrl,
            RunWorker = runWorker,
            PollInterval = TimeSpan.FromSeconds(poll),
            RequestTimeout = TimeSpan.FromSeconds(request),
            ArchiveTimeout = TimeSpan.FromSeconds(archive),
            LockDuration = TimeSpan.FromSeconds(lease),
            MaxAttempts = maxAttempts,
        }, errors);
    }

    private static int Seconds(TimeSpan value) => (int)value.TotalSeconds;
}
