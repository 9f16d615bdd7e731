using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.GitHubSync;

/// <summary>
/// GitHub failing in each way it can during a sync. Every test starts with commit v1 synced and v2 pushed, and asserts
/// the organization's framework afterwards: exactly v1's as before, or exactly v2's, never a mix; and the job says
/// what happened and whether (and when) it is tried again.
/// </summary>
public sealed class GitHubSyncFaultTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(FakeGitHubEndpoint.Branch, 403, "API rate limit exceeded for user ID 1.", "reset", 600, 600, "rate limit for this token is exhausted")]
    [InlineData(FakeGitHubEndpoint.Branch, 429, "API rate limit exceeded for user ID 1.", "reset", 90, 90, "rate limit for this token is exhausted")]
    [InlineData(FakeGitHubEndpoint.Tarball, 429, "You have exceeded a secondary rate limit.", "retry-after", 120, 120, "secondary rate limit")]
    [InlineData(FakeGitHubEndpoint.Archive, 403, "You have exceeded a secondary rate limit.", "retry-after", 7200, 3600, "secondary rate limit")]
    [InlineData(FakeGitHubEndpoint.Branch, 502, "Server Error", "", 0, 30, "GitHub answered 502")]
    [InlineData(FakeGitHubEndpoint.Archive, 503, "Service Unavailable", "", 0, 30, "GitHub answered 503")]
    public async Task A_rate_limit_or_GitHub_error_changes_nothing_and_the_job_waits_until_the_time_GitHub_named(
        FakeGitHubEndpoint endpoint, int status, string body, string header, int seconds, int expectedWaitSeconds, string expectedMessage)
    {
        var (world, time, v2, before) = await V1SyncedAndV2PushedAsync();
        await using var _ = world;
        var headers = header switch
        {
            "reset" => FakeGitHub.PrimaryRateLimit(time.GetUtcNow().AddSeconds(seconds)),
            "retry-after" => FakeGitHub.RetryAfter(seconds),
            _ => null,
        };
        world.GitHub.Fail(endpoint, status, body, headers, times: 1);

        var job = await world.SyncNowAsync();

        var retryAt = time.GetUtcNow().UtcDateTime.AddSeconds(expectedWaitSeconds);
        Assert.Equal((GitHubSyncStatus.Queued, retryAt), (job.Status, job.RetryAt));
        Assert.Contains(expectedMessage, job.Message, StringComparison.Ordinal);
        Assert.Contains($"Nothing changed; attempt 1 of 5, retrying at {retryAt:yyyy-MM-dd HH:mm:ss} UTC.", job.Message, StringComparison.Ordinal);
        Assert.Equal(before, await world.FrameworkAsync());

        // Not a moment before the time GitHub asked for (capped at an hour)...
        time.Advance(TimeSpan.FromSeconds(expectedWaitSeconds - 1));
        Assert.Equal(0, await world.RunWorkerAsync());
        Assert.Equal(GitHubSyncStatus.Queued, (await world.JobAsync(job.Id)).Status);
        Assert.Equal(before, await world.FrameworkAsync());

        // ...and then the same job completes, with the whole of v2.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await world.RunWorkerAsync());
        var done = await world.JobAsync(job.Id);
        Assert.Equal((GitHubSyncStatus.Succeeded, v2, (DateTime?)null), (done.Status, done.CommitSha, done.RetryAt));
        var after = await world.FrameworkAsync();
        Assert.True(after.IsExactly(v2, "v2"), after.ToString());
    }

    [Fact]
    public async Task A_GitHub_that_keeps_failing_is_tried_five_times_with_doubling_waits_and_then_the_job_fails_with_nothing_changed()
    {
        var (world, time, _, before) = await V1SyncedAndV2PushedAsync();
        await using var __ = world;
        world.GitHub.Fail(FakeGitHubEndpoint.Branch, 503, "Service Unavailable");
        world.GitHub.ClearRequests();

        var job = await world.SyncNowAsync();
        foreach (var wait in new[] { 30, 60, 120, 240 })
        {
            Assert.Equal((GitHubSyncStatus.Queued, time.GetUtcNow().UtcDateTime.AddSeconds(wait)), (job.Status, job.RetryAt));
            time.Advance(TimeSpan.FromSeconds(wait));
            Assert.Equal(1, await world.RunWorkerAsync());
            job = await world.JobAsync(job.Id);
        }

        Assert.Equal((GitHubSyncStatus.Failed, (DateTime?)null), (job.Status, job.RetryAt));
        Assert.Equal("GitHub answered 503 (an error on GitHub's side). Nothing changed; gave up after 5 attempts.", job.Message);
        Assert.Equal(5, world.GitHub.RequestCount);
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await world.RunWorkerAsync());
        Assert.Equal(before, await world.FrameworkAsync());
    }

    [Theory]
    [InlineData(FakeGitHubEndpoint.Branch, 401, "Bad credentials", "GitHub refused the token (it is invalid, expired or revoked). Nothing changed.")]
    [InlineData(FakeGitHubEndpoint.Branch, 403, "Resource not accessible by personal access token", "The token is not allowed to read this repository (it needs Contents: read). Nothing changed.")]
    [InlineData(FakeGitHubEndpoint.Branch, 404, "Not Found", "The branch 'main' of acme/standards was not found, or the token can no longer read it. Nothing changed.")]
    [InlineData(FakeGitHubEndpoint.Tarball, 404, "Not Found", "GitHub has no archive of acme/standards at {sha}. Nothing changed.")]
    public async Task A_refused_token_or_a_missing_repository_fails_the_job_at_once_and_changes_nothing(FakeGitHubEndpoint endpoint, int status, string body, string expectedMessage)
    {
        var (world, time, v2, before) = await V1SyncedAndV2PushedAsync();
        await using var _ = world;
        world.GitHub.Fail(endpoint, status, body);

        var job = await world.SyncNowAsync();

        Assert.Equal((GitHubSyncStatus.Failed, (DateTime?)null), (job.Status, job.RetryAt));
        Assert.Equal(expectedMessage.Replace("{sha}", v2, StringComparison.Ordinal), job.Message);
        Assert.Equal(before, await world.FrameworkAsync());
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await world.RunWorkerAsync());
    }

    [Fact]
    public async Task A_connection_cut_mid_download_changes_nothing_and_the_job_is_retried()
    {
        var (world, time, v2, before) = await V1SyncedAndV2PushedAsync();
        await using var _ = world;
        world.GitHub.BreakArchiveDownloads = true;

        var job = await world.SyncNowAsync();

        Assert.Equal(GitHubSyncStatus.Queued, job.Status);
        Assert.StartsWith("The connection to GitHub broke while its answer was being read. Nothing changed; attempt 1 of 5", job.Message, StringComparison.Ordinal);
        Assert.Equal(before, await world.FrameworkAsync());

        world.GitHub.BreakArchiveDownloads = false;
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await world.RunWorkerAsync());
        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.JobAsync(job.Id)).Status);
        var after = await world.FrameworkAsync();
        Assert.True(after.IsExactly(v2, "v2"), after.ToString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(FakeGitHubEndpoint.Branch)]
    [InlineData(FakeGitHubEndpoint.Archive)]
    public async Task A_GitHub_that_stops_answering_is_given_up_on_after_the_configured_timeout_and_the_job_retried(FakeGitHubEndpoint endpoint)
    {
        var (world, time, v2, before) = await V1SyncedAndV2PushedAsync();
        await using var _ = world;
        // A worker with short timeouts, so the test does not wait long; the fake never answers, so only the timeout ends the request.
        var options = world.Core.GetRequiredService<GitHubSyncOptions>() with { RequestTimeout = TimeSpan.FromMilliseconds(500), ArchiveTimeout = TimeSpan.FromMilliseconds(500) };
        var impatient = new GitHubSyncRunner(
            world.Core.GetRequiredService<IServiceScopeFactory>(), options, world.Core.GetRequiredService<GitHubTransport>(),
            world.Core.GetRequiredService<GitHubSyncSignal>(), world.Core.GetRequiredService<FrameworkCheckAddress>(), time, NullLogger<GitHubSyncRunner>.Instance);
        world.GitHub.Hold(endpoint);
        var queued = await world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel));

        Assert.Equal(1, await impatient.RunPendingAsync(Cancel));

        var job = await world.JobAsync(queued.Id);

        Assert.True(world.GitHub.RequestHeld.IsCompleted, "the sync never reached the held request");
        Assert.Equal(GitHubSyncStatus.Queued, job.Status);
        Assert.StartsWith("GitHub did not answer in time. Nothing changed; attempt 1 of 5", job.Message, StringComparison.Ordinal);
        Assert.Equal(before, await world.FrameworkAsync());

        world.GitHub.Heal(endpoint);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await world.RunWorkerAsync());
        var after = await world.FrameworkAsync();
        Assert.True(after.IsExactly(v2, "v2"), after.ToString());
    }

    /// <summary>
    /// A server stopping (SIGTERM in a rolling deploy) in the middle of a download hands the job back at once: queued,
    /// due now, no lease, and the interrupted try not counted, so five deploys during a sync do not fail it.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task A_worker_stopped_mid_download_hands_the_job_back_without_spending_an_attempt_and_the_next_run_imports_it()
    {
        var (world, _, v2, before) = await V1SyncedAndV2PushedAsync();
        await using var __ = world;
        world.GitHub.Hold(FakeGitHubEndpoint.Archive);
        var queued = await world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var runner = world.Core.GetRequiredService<GitHubSyncRunner>();

        var run = runner.RunPendingAsync(stopping.Token);
        await world.GitHub.RequestHeld.WaitAsync(Cancel);
        var running = await world.JobRowAsync(queued.Id);
        Assert.Equal((GitHubSyncStatus.Running, 1), (running.Status, running.Attempts));
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var handedBack = await world.JobRowAsync(queued.Id);
        Assert.Equal((GitHubSyncStatus.Queued, 0, (string?)null, (DateTime?)null, (DateTime?)null), (handedBack.Status, handedBack.Attempts, handedBack.LeaseOwner, handedBack.LeaseExpiresAt, handedBack.RetryAt));
        Assert.Equal(before, await world.FrameworkAsync());

        world.GitHub.Heal(FakeGitHubEndpoint.Archive);
        Assert.Equal(1, await world.RunWorkerAsync());
        var done = await world.JobRowAsync(queued.Id);
        Assert.Equal((GitHubSyncStatus.Succeeded, 1), (done.Status, done.Attempts));
        var after = await world.FrameworkAsync();
        Assert.True(after.IsExactly(v2, "v2"), after.ToString());
    }

    [Fact]
    public async Task A_push_between_reading_the_head_and_downloading_imports_exactly_the_commit_that_was_read()
    {
        var (world, _, v2, _) = await V1SyncedAndV2PushedAsync();
        await using var __ = world;
        string? v3 = null;
        world.GitHub.AfterBranchRead = () =>
        {
            world.GitHub.AfterBranchRead = null;
            v3 = world.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, SyncFixtures.Framework(items: 60, label: "v3"));
        };

        var job = await world.SyncNowAsync();

        Assert.NotNull(v3);
        Assert.Equal((GitHubSyncStatus.Succeeded, v2, 100), (job.Status, job.CommitSha, job.ItemCount));
        var after = await world.FrameworkAsync();
        Assert.True(after.IsExactly(v2, "v2"), after.ToString());

        // The push is not lost: the next sync takes it, whole.
        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.SyncNowAsync()).Status);
        var next = await world.FrameworkAsync();
        Assert.True(next.IsExactly(v3, "v3", items: 60), next.ToString());
    }

    /// <summary>Acme synced v1 (on a fake clock at <see cref="Start"/>), then v2 was pushed to main.</summary>
    private static async Task<(GitHubSyncWorld World, FakeTimeProvider Time, string V2, FrameworkState Before)> V1SyncedAndV2PushedAsync(GitHubSyncOptions? options = null)
    {
        var time = new FakeTimeProvider(Start);
        var world = await GitHubSyncWorld.CreateAsync(options, time);
        await world.ConfigureAsync();
        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.SyncNowAsync()).Status);
        var before = await world.FrameworkAsync();
        Assert.True(before.IsExactly(world.MainSha, "v1"), before.ToString());
        var v2 = world.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, SyncFixtures.Framework(label: "v2"));
        return (world, time, v2, before);
    }
}
