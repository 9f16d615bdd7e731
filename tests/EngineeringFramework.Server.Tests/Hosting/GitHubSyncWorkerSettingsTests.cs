using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class GitHubSyncWorkerSettingsTests
{
    private static readonly Uri Api = new("https://github.example.test/api/v3/");

    private static (GitHubSyncOptions? Options, IReadOnlyList<string> Errors) Read(Dictionary<string, string?> values)
        => GitHubSyncWorkerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), Api);

    [Fact]
    public void Without_settings_the_worker_runs_with_the_documented_defaults_and_a_lease_longer_than_its_downloads()
    {
        var (options, errors) = Read([]);

        Assert.Empty(errors);
        Assert.Equal(
            (Api, true, 10, 20, 60, 180, 5),
            (options!.ApiBaseUrl, options.RunWorker, (int)options.PollInterval.TotalSeconds, (int)options.RequestTimeout.TotalSeconds, (int)options.ArchiveTimeout.TotalSeconds, (int)options.LockDuration.TotalSeconds, options.MaxAttempts));
        Assert.True(options.LockDuration > options.LongestDownload);
    }

    [Fact]
    public void Settings_are_read_from_the_github_sync_section()
    {
        var (options, errors) = Read(new()
        {
            [GitHubSyncWorkerSettings.RunWorkerKey] = "false",
            [GitHubSyncWorkerSettings.PollSecondsKey] = "2",
            [GitHubSyncWorkerSettings.RequestTimeoutSecondsKey] = "7",
            [GitHubSyncWorkerSettings.ArchiveTimeoutSecondsKey] = "90",
            [GitHubSyncWorkerSettings.LeaseSecondsKey] = "600",
            [GitHubSyncWorkerSettings.MaxAttemptsKey] = "9",
        });

        Assert.Empty(errors);
        Assert.Equal(
            (false, 2, 7, 90, 600, 9),
            (options!.RunWorker, (int)options.PollInterval.TotalSeconds, (int)options.RequestTimeout.TotalSeconds, (int)options.ArchiveTimeout.TotalSeconds, (int)options.LockDuration.TotalSeconds, options.MaxAttempts));
        Assert.Equal(TimeSpan.FromSeconds(104), options.LongestDownload);
    }

    [Fact]
    public void Malformed_or_out_of_range_settings_stop_the_start_and_each_is_named()
    {
        var (options, errors) = Read(new()
        {
            [GitHubSyncWorkerSettings.RunWorkerKey] = "sometimes",
            [GitHubSyncWorkerSettings.PollSecondsKey] = "0",
            [GitHubSyncWorkerSettings.RequestTimeoutSecondsKey] = "twenty",
            [GitHubSyncWorkerSettings.ArchiveTimeoutSecondsKey] = "-60",
            [GitHubSyncWorkerSettings.LeaseSecondsKey] = "1e3",
            [GitHubSyncWorkerSettings.MaxAttemptsKey] = "0",
        });

        Assert.Null(options);
        Assert.Equal(
            [
                GitHubSyncWorkerSettings.RunWorkerKey, GitHubSyncWorkerSettings.PollSecondsKey, GitHubSyncWorkerSettings.RequestTimeoutSecondsKey,
                GitHubSyncWorkerSettings.ArchiveTimeoutSecondsKey, GitHubSyncWorkerSettings.LeaseSecondsKey, GitHubSyncWorkerSettings.MaxAttemptsKey,
            ],
            errors.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public void The_server_refuses_to_start_with_a_malformed_github_sync_setting_and_names_it()
    {
        var error = new StringWriter();

        var app = ServerHost.Build(["--environment", "Development"], error, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [GitHubSyncWorkerSettings.LeaseSecondsKey] = "forever" }));

        Assert.Null(app);
        Assert.Contains($"{GitHubSyncWorkerSettings.LeaseSecondsKey} must be a whole number from 1 to 86400.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3", true)]
    [InlineData("100", true)]
    [InlineData("101", false)]
    public async Task A_lease_no_longer_than_the_downloads_starts_with_a_warning_naming_the_setting(string leaseSeconds, bool warned)
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { [GitHubSyncWorkerSettings.LeaseSecondsKey] = leaseSeconds });

        var warnings = app.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.StartsWith(GitHubSyncWorkerSettings.LeaseSecondsKey, StringComparison.Ordinal)).ToList();

        Assert.Equal(warned, warnings.Count == 1);
        Assert.All(warnings, w => Assert.Contains($"({leaseSeconds} s) is not longer than a sync's GitHub requests may take (two requests and the archive at their timeouts: 100 s)", w.Message, StringComparison.Ordinal));
    }
}
