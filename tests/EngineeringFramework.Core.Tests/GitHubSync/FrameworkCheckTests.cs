using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.GitHubSync;

/// <summary>
/// Checks of pushed commits and pull requests: validated and compared, never applied, and reported to GitHub with
/// exactly one commit status each. The worker is run by hand, so every step is deterministic.
/// </summary>
public sealed class FrameworkCheckTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_valid_push_to_another_branch_gets_one_success_status_with_its_counts_and_changes_nothing()
    {
        await using var world = await SyncedWorldAsync();
        var before = await world.World.FrameworkAsync();
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "feature", Changed());

        Assert.Equal(GitHubWebhookOutcome.Queued, await world.PushAsync("d-1", "feature", sha));
        Assert.Equal(1, await world.World.RunWorkerAsync());

        var status = Assert.Single(world.World.GitHub.Statuses);
        var check = await world.CheckAsync(sha);
        Assert.Equal((sha, "success", FrameworkCheck.StatusContext), (status.Sha, status.State, status.Context));
        Assert.Equal("valid: +3 items, \u22120, 1 changed; affects 1 project", status.Description);
        Assert.Equal($"https://ef.test/orgs/{world.World.Acme}/framework/checks/{check.Id}", status.TargetUrl);
        Assert.Equal("Bearer " + world.World.GitHub.Token, status.Authorization);
        Assert.Equal(before, await world.World.FrameworkAsync());

        // A member reads it: the diff names what would change, item by item.
        var view = await world.ViewAsync(world.World.Ben, check.Id);
        Assert.Equal("Valid feature +3 -0 ~1 affects 1", $"{view.Check.State} {view.Check.Branch} +{view.Check.ItemsAdded} -{view.Check.ItemsRemoved} ~{view.Check.ItemsChanged} affects {view.Check.ProjectsAffected}");
        Assert.Equal(["practice-100", "practice-101", "practice-102"], view.Diff!.Items.Where(i => i.Change == FrameworkChange.Added).Select(i => i.Slug));
        var changed = Assert.Single(view.Diff.Items, i => i.Change == FrameworkChange.Changed);
        Assert.Equal("practice-005", changed.Slug);
        Assert.Equal([FrameworkAspect.DefinitionChanged], changed.Aspects);
        Assert.Contains(changed.Definition!, l => l.Kind == TextDiffKind.Added && l.Text.Contains("rewritten", StringComparison.Ordinal));
        Assert.NotNull(view.Check.CheckedAt);
        Assert.NotNull(view.StatusPostedAt);
    }

    [Fact]
    public async Task An_invalid_framework_on_a_branch_gets_one_failure_status_with_its_error_count_and_the_check_lists_the_errors()
    {
        await using var world = await SyncedWorldAsync();
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "broken", SyncFixtures.InvalidFramework());

        await world.PushAsync("d-1", "broken", sha);
        await world.World.RunWorkerAsync();

        var status = Assert.Single(world.World.GitHub.Statuses);
        Assert.Equal("failure", status.State);
        Assert.StartsWith("invalid: 1 error (", status.Description, StringComparison.Ordinal);
        Assert.True(status.Description!.Length <= 140);
        var view = await world.ViewAsync(world.World.Ben, (await world.CheckAsync(sha)).Id);
        Assert.Equal((FrameworkCheckState.Invalid, 1), (view.Check.State, view.Check.ErrorCount));
        var error = Assert.Single(view.Errors);
        Assert.Contains("practice-003", error.Location + error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.Location));
        Assert.Null(view.Diff);
    }

    [Fact]
    public async Task A_pull_request_synchronize_checks_its_head_commit_even_from_a_fork()
    {
        await using var world = await SyncedWorldAsync();
        var head = world.World.GitHub.Commit(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, Changed());

        Assert.Equal(GitHubWebhookOutcome.Queued, await world.PullRequestAsync("d-pr", "synchronize", head, number: 7));
        Assert.Equal(GitHubWebhookOutcome.Ignored, await world.PullRequestAsync("d-closed", "closed", head, number: 7));
        await world.World.RunWorkerAsync();

        var status = Assert.Single(world.World.GitHub.Statuses);
        Assert.Equal((head, "success"), (status.Sha, status.State));
        var check = await world.CheckAsync(head);
        Assert.Equal(((int?)7, (string?)"feature"), (check.PullRequestNumber, check.Branch));
    }

    [Fact]
    public async Task A_push_to_the_configured_branch_is_applied_and_gets_one_status()
    {
        await using var world = await SyncedWorldAsync();
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, SyncFixtures.Framework(label: "v2"));

        Assert.Equal(GitHubWebhookOutcome.Queued, await world.PushAsync("d-main", GitHubSyncWorld.Branch, sha));
        Assert.Equal(2, await world.World.RunWorkerAsync());

        Assert.True((await world.World.FrameworkAsync()).IsExactly(sha, "v2"));
        var status = Assert.Single(world.World.GitHub.Statuses);
        // Compared with the framework that was current when the commit was pushed, whichever job ran first.
        Assert.Equal((sha, "success", "valid: +0 items, \u22120, 100 changed; affects 1 project"), (status.Sha, status.State, status.Description));
    }

    [Fact]
    public async Task A_redelivery_or_a_second_event_for_the_same_commit_checks_nothing_again_and_posts_no_second_status()
    {
        await using var world = await SyncedWorldAsync();
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "feature", Changed());

        Assert.Equal(GitHubWebhookOutcome.Queued, await world.PushAsync("d-1", "feature", sha));
        Assert.Equal(GitHubWebhookOutcome.Duplicate, await world.PushAsync("d-1", "feature", sha));
        Assert.Equal(1, await world.World.RunWorkerAsync());
        Assert.Equal(GitHubWebhookOutcome.Duplicate, await world.PushAsync("d-2", "copy-of-feature", sha));
        Assert.Equal(GitHubWebhookOutcome.Duplicate, await world.PullRequestAsync("d-3", "opened", sha, number: 8));
        Assert.Equal(0, await world.World.RunWorkerAsync());

        Assert.Single(world.World.GitHub.Statuses);
        await using var db = world.World.Core.Database.CreateContext(world.World.Acme);
        Assert.Equal(1, await db.FrameworkChecks.CountAsync(Cancel));
    }

    [Fact]
    public async Task A_token_that_cannot_post_statuses_is_saved_with_a_warning_and_its_checks_keep_their_result_without_retrying()
    {
        await using var world = await SyncedWorldAsync();
        world.World.GitHub.ReadOnlyRepositories.Add($"{GitHubSyncWorld.Owner}/{GitHubSyncWorld.Repo}");

        var configured = await world.World.ConfigureAsync();
        Assert.Equal(GitHubStatusRefusedException.CannotPostStatuses, configured.StatusWarning);

        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "feature", Changed());
        await world.PushAsync("d-1", "feature", sha);
        world.World.GitHub.ClearRequests();
        Assert.Equal(1, await world.World.RunWorkerAsync());
        Assert.Equal(0, await world.World.RunWorkerAsync());

        Assert.Empty(world.World.GitHub.Statuses);
        Assert.Single(world.World.GitHub.Requests, r => r.Method == "POST");
        var check = await world.CheckAsync(sha);
        Assert.Equal(FrameworkCheckState.Valid, check.State);
        Assert.Null(check.StatusPostedAt);
        Assert.Contains("cannot post commit statuses", check.StatusProblem, StringComparison.Ordinal);
        Assert.Contains("403", check.StatusProblem, StringComparison.Ordinal);

        // Push access again: the warning goes with the next save.
        world.World.GitHub.ReadOnlyRepositories.Clear();
        Assert.Null((await world.World.ConfigureAsync()).StatusWarning);
    }

    [Fact]
    public async Task A_status_whose_answer_was_lost_is_not_posted_again_on_the_retry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var world = await SyncedWorldAsync(clock);
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "feature", Changed());
        await world.PushAsync("d-1", "feature", sha);
        world.World.GitHub.LoseStatusAnswers = true;

        Assert.Equal(1, await world.World.RunWorkerAsync());
        var waiting = await world.CheckAsync(sha);
        Assert.Equal((FrameworkCheckState.Valid, true, (DateTime?)null), (waiting.State, waiting.StatusAttempted, waiting.StatusPostedAt));

        world.World.GitHub.LoseStatusAnswers = false;
        world.World.GitHub.ClearRequests();
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await world.World.RunWorkerAsync());

        Assert.Single(world.World.GitHub.Statuses);
        Assert.DoesNotContain(world.World.GitHub.Requests, r => r.Method == "POST" || r.PathAndQuery.Contains("tarball", StringComparison.Ordinal));
        Assert.NotNull((await world.CheckAsync(sha)).StatusPostedAt);
    }

    [Fact]
    public async Task A_check_is_read_by_members_and_is_not_found_for_another_organization()
    {
        await using var world = await SyncedWorldAsync();
        var sha = world.World.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "feature", Changed());
        await world.PushAsync("d-1", "feature", sha);
        await world.World.RunWorkerAsync();
        var id = (await world.CheckAsync(sha)).Id;

        Assert.Equal(id, (await world.ViewAsync(world.World.Ben, id)).Check.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => world.ViewAsync(world.World.Eve, id));
        await Assert.ThrowsAsync<NotFoundException>(() => world.World.Core.InScopeAsync(sp => sp.GetRequiredService<FrameworkCheckService>().GetAsync(world.World.Eve, world.World.Evil, id, Cancel)));
    }

    /// <summary>The main framework with three more items and practice-005's definition rewritten.</summary>
    private static Dictionary<string, byte[]> Changed()
    {
        var files = SyncFixtures.Framework(items: 103);
        files["definitions/practice-005.md"] = Encoding.UTF8.GetBytes("# Practice 005\n\n## What it means\nThe team keeps it rewritten.\n\n## Why it matters\nIt avoids surprises.\n\n## How to complete it\nWrite it down.\n\n## Definition of done\nReviewed.\n");
        return files;
    }

    /// <summary>Acme connected and synced from main, with one active project on the synced framework and one archived.</summary>
    private static async Task<CheckWorld> SyncedWorldAsync(TimeProvider? time = null)
    {
        var world = await GitHubSyncWorld.CreateAsync(time: time);
        await world.ConfigureAsync();
        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.SyncNowAsync()).Status);
        var department = await world.Core.InScopeAsync(sp => sp.GetRequiredService<DepartmentService>().CreateAsync(world.Ada, world.Acme, new("Engineering"), Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectService>().CreateAsync(world.Ada, world.Acme, new(department.Id, "Active"), Cancel));
        var archived = await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectService>().CreateAsync(world.Ada, world.Acme, new(department.Id, "Archived"), Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectService>().UpdateAsync(world.Ada, world.Acme, archived.Project.Id, new("Archived", Status: ProjectStatus.Archived), Cancel));
        var secret = (await world.Sync(world.Ada, (s, c) => s.GetWebhookAsync(c, world.Acme, Cancel))).Secret;
        world.GitHub.ClearRequests();
        return new CheckWorld(world, secret);
    }

    private sealed class CheckWorld(GitHubSyncWorld world, string secret) : IAsyncDisposable
    {
        public GitHubSyncWorld World { get; } = world;

        public Task<GitHubWebhookOutcome> PushAsync(string deliveryId, string branch, string sha) => ReceiveAsync("push", deliveryId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = $"refs/heads/{branch}",
            before = new string('0', 40),
            after = sha,
            deleted = false,
            repository = new { full_name = $"{GitHubSyncWorld.Owner}/{GitHubSyncWorld.Repo}" },
        }));

        public Task<GitHubWebhookOutcome> PullRequestAsync(string deliveryId, string action, string headSha, int number) => ReceiveAsync("pull_request", deliveryId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            action,
            number,
            pull_request = new
            {
                number,
                head = new { sha = headSha, @ref = "feature", label = "contributor:feature", repo = new { full_name = "contributor/standards" } },
                @base = new { @ref = GitHubSyncWorld.Branch, repo = new { full_name = $"{GitHubSyncWorld.Owner}/{GitHubSyncWorld.Repo}" } },
            },
            repository = new { full_name = $"{GitHubSyncWorld.Owner}/{GitHubSyncWorld.Repo}" },
        }));

        public async Task<FrameworkCheck> CheckAsync(string sha)
        {
            await using var db = World.Core.Database.CreateContext(World.Acme);
            return await db.FrameworkChecks.AsNoTracking().SingleAsync(c => c.CommitSha == sha, Cancel);
        }

        public Task<FrameworkCheckView> ViewAsync(Caller caller, Guid checkId)
            => World.Core.InScopeAsync(sp => sp.GetRequiredService<FrameworkCheckService>().GetAsync(caller, World.Acme, checkId, Cancel));

        public ValueTask DisposeAsync() => World.DisposeAsync();

        private Task<GitHubWebhookOutcome> ReceiveAsync(string eventName, string deliveryId, byte[] body)
        {
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
            return World.Core.InScopeAsync(sp => sp.GetRequiredService<GitHubWebhookReceiver>().ReceiveAsync(World.Acme, signature, eventName, deliveryId, body, Cancel));
        }
    }
}
