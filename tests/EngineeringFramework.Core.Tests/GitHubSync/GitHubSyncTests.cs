using System.Text;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EngineeringFramework.Core.Tests.GitHubSync;

public sealed class GitHubSyncTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Configuring_checks_the_token_with_GitHub_and_stores_only_ciphertext()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();

        var view = await world.ConfigureAsync();

        Assert.True(view.Configured && view.HasToken);
        Assert.Equal(("acme", "standards", "main"), (view.Owner, view.Repository, view.Branch));
        Assert.Equal(new Uri($"https://ef.test/webhooks/github/{world.Acme}"), view.WebhookUrl);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var stored = await db.GitHubSyncSettings.SingleAsync(Cancel);
        var token = Encoding.UTF8.GetBytes(world.GitHub.Token);
        Assert.NotNull(stored.TokenCiphertext);
        Assert.False(stored.TokenCiphertext.AsSpan().IndexOf(token) >= 0, "the token's bytes are in the stored value");
        Assert.Equal(world.GitHub.Token, await world.Core.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<GitHubSecrets>().OpenToken(world.Acme, stored.TokenCiphertext))));
        // Sealed for this organization and purpose only: another owner cannot open it.
        Assert.Throws<SecretBoxException>(() => world.Core.GetRequiredService<SecretBox>().Open(stored.TokenCiphertext, $"organization:{world.Evil}", GitHubSecrets.TokenPurpose));
        Assert.Throws<SecretBoxException>(() => world.Core.GetRequiredService<SecretBox>().Open(stored.TokenCiphertext, $"organization:{world.Acme}", GitHubSecrets.WebhookSecretPurpose));
        // The token went to the API host only, on the two checks.
        Assert.Equal(["/repos/acme/standards", "/repos/acme/standards/branches/main"], world.GitHub.Requests.Select(r => r.PathAndQuery));
    }

    [Theory]
    [InlineData("bad-token", "main", "standards", "Token")]
    [InlineData(null, "release", "standards", "Branch")]
    [InlineData(null, "main", "other-repo", "Repository")]
    [InlineData(null, "hidden", "standards", "Branch")]
    public async Task A_token_that_does_not_read_the_repository_and_branch_is_refused_and_nothing_is_saved(string? token, string branch, string repository, string field)
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        world.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "hidden", SyncFixtures.Framework());
        world.GitHub.HiddenBranches.Add("hidden");

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.ConfigureAsync(token, branch, repository));

        Assert.Equal([field], error.Errors.Select(e => e.PropertyName));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.False(await db.GitHubSyncSettings.AnyAsync(Cancel));
    }

    [Fact]
    public async Task A_sync_imports_the_repository_as_the_organizations_framework_in_three_requests()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        world.GitHub.ClearRequests();

        var job = await world.SyncNowAsync();

        Assert.Equal(GitHubSyncStatus.Succeeded, job.Status);
        Assert.Equal((world.MainSha, 100, 19), (job.CommitSha, job.ItemCount!.Value, job.TemplateCount!.Value));
        Assert.True(job.GitHubRequests <= 3, $"{job.GitHubRequests} GitHub requests");
        Assert.Equal(job.GitHubRequests, world.GitHub.RequestCount);
        var version = Assert.Single(await world.OrganizationVersionsAsync());
        Assert.True(version.IsCurrent);
        Assert.Equal(($"github:{world.MainSha}", 100), (version.Source, version.ItemCount));
        var view = await world.Sync(world.Ada, (s, c) => s.GetAsync(c, world.Acme, Cancel));
        Assert.Equal(world.MainSha, view.SyncedCommitSha);
        Assert.Equal(job.Id, view.RecentJobs[0].Id);
    }

    [Fact]
    public async Task Syncing_the_commit_already_synced_changes_nothing_and_downloads_nothing()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        await world.SyncNowAsync();
        world.GitHub.ClearRequests();

        var again = await world.SyncNowAsync();

        Assert.Equal(GitHubSyncStatus.UpToDate, again.Status);
        Assert.Equal(["/repos/acme/standards/branches/main"], world.GitHub.Requests.Select(r => r.PathAndQuery));
        Assert.Single(await world.OrganizationVersionsAsync());
    }

    [Fact]
    public async Task An_invalid_framework_changes_nothing_and_reports_its_errors()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        await world.SyncNowAsync();
        var before = await world.OrganizationVersionsAsync();
        world.GitHub.Push(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, SyncFixtures.InvalidFramework());

        var job = await world.SyncNowAsync();

        Assert.Equal(GitHubSyncStatus.Invalid, job.Status);
        Assert.Contains(job.Errors, e => e.Message.Contains("definitions/practice-003.md", StringComparison.Ordinal));
        var after = await world.OrganizationVersionsAsync();
        Assert.Equal(before.Select(v => (v.Id, v.IsCurrent)), after.Select(v => (v.Id, v.IsCurrent)));
        var view = await world.Sync(world.Ada, (s, c) => s.GetAsync(c, world.Acme, Cancel));
        Assert.NotEqual(job.CommitSha, view.SyncedCommitSha);
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_and_gets_no_token()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        // Same fake server, but named "localhost": a different host as far as the URL goes.
        world.GitHub.ArchiveRedirectOverride = new Uri($"http://localhost:{world.GitHub.ApiUrl.Port}/_codeload/acme/standards/tar.gz/{world.MainSha}");
        world.GitHub.ClearRequests();

        var job = await world.SyncNowAsync();

        Assert.Equal(GitHubSyncStatus.Failed, job.Status);
        Assert.Contains("localhost", job.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(world.GitHub.Requests, r => r.PathAndQuery.StartsWith("/_codeload", StringComparison.Ordinal));
        Assert.Empty(await world.OrganizationVersionsAsync());
    }

    [Fact]
    public async Task Existing_projects_keep_their_checklists_and_new_projects_get_the_synced_items()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        var department = await world.Core.InScopeAsync(sp => sp.GetRequiredService<DepartmentService>().CreateAsync(world.Ada, world.Acme, new("Engineering"), Cancel));
        var before = await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectService>().CreateAsync(world.Ada, world.Acme, new(department.Id, "Before"), Cancel));
        await world.ConfigureAsync();

        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.SyncNowAsync()).Status);
        var after = await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectService>().CreateAsync(world.Ada, world.Acme, new(department.Id, "After"), Cancel));

        await using var db = world.Core.Database.CreateContext(world.Acme);
        var beforeSlugs = await db.ChecklistItems.Where(i => i.ProjectId == before.Project.Id).Select(i => i.ItemSlug).ToListAsync(Cancel);
        var afterSlugs = await db.ChecklistItems.Where(i => i.ProjectId == after.Project.Id).Select(i => i.ItemSlug).ToListAsync(Cancel);
        Assert.Equal(["backlog", "changelog", "roadmap", "unit-tests"], beforeSlugs.Order(StringComparer.Ordinal));
        Assert.Equal(100, afterSlugs.Count);
        Assert.All(afterSlugs, slug => Assert.StartsWith("practice-", slug, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_workers_racing_for_the_queue_run_each_job_once()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        await world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel));
        world.GitHub.ClearRequests();
        var first = world.Core.GetRequiredService<GitHubSyncRunner>();
        var second = NewRunner(world);

        var ran = await Task.WhenAll(Task.Run(() => first.RunPendingAsync(Cancel)), Task.Run(() => second.RunPendingAsync(Cancel)));

        Assert.Equal(1, ran.Sum());
        Assert.Single(world.GitHub.Requests, r => r.PathAndQuery.StartsWith("/_codeload", StringComparison.Ordinal));
        var job = Assert.Single(await world.Sync(world.Ada, (s, c) => s.ListJobsAsync(c, world.Acme, 10, Cancel)));
        Assert.Equal(GitHubSyncStatus.Succeeded, job.Status);
    }

    [Fact]
    public async Task A_job_held_by_a_worker_that_died_is_taken_over_once_its_lease_expires()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        var queued = await world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel));
        var runner = world.Core.GetRequiredService<GitHubSyncRunner>();
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            // A worker on another server claimed the job and the lock, then died before finishing.
            var job = await db.GitHubSyncJobs.SingleAsync(Cancel);
            var settings = await db.GitHubSyncSettings.SingleAsync(Cancel);
            (job.Status, job.Attempts, job.LeaseOwner, job.LeaseExpiresAt) = (GitHubSyncStatus.Running, 1, "dead-worker", DateTime.UtcNow.AddMinutes(5));
            (settings.LockOwner, settings.LockedUntil) = ("dead-worker", DateTime.UtcNow.AddMinutes(5));
            await db.SaveChangesAsync(Cancel);
        }

        Assert.Equal(0, await runner.RunPendingAsync(Cancel));

        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            var job = await db.GitHubSyncJobs.SingleAsync(Cancel);
            var settings = await db.GitHubSyncSettings.SingleAsync(Cancel);
            (job.LeaseExpiresAt, settings.LockedUntil) = (DateTime.UtcNow.AddSeconds(-1), DateTime.UtcNow.AddSeconds(-1));
            await db.SaveChangesAsync(Cancel);
        }

        Assert.Equal(1, await runner.RunPendingAsync(Cancel));
        var finished = await world.Sync(world.Ada, (s, c) => s.GetJobAsync(c, world.Acme, queued.Id, Cancel));
        Assert.Equal((GitHubSyncStatus.Succeeded, world.MainSha), (finished.Status, finished.CommitSha));
    }

    [Fact]
    public async Task Only_admins_of_Pro_and_Enterprise_organizations_may_configure_or_sync()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        var request = new ConfigureGitHubSyncRequest(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, world.GitHub.Token);

        await Assert.ThrowsAsync<ForbiddenException>(() => world.Sync(world.Ben, (s, c) => s.ConfigureAsync(c, world.Acme, request, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Sync(world.Ben, (s, c) => s.GetAsync(c, world.Acme, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Sync(world.Eve, (s, c) => s.ConfigureAsync(c, world.Acme, request, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Sync(world.Eve, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel)));

        await world.ConfigureAsync();
        await world.SetPlanAsync(Plan.Free);
        var free = await world.Sync(world.Ada, (s, c) => s.GetAsync(c, world.Acme, Cancel));
        Assert.Equal((Plan.Free, false), (free.Plan, free.PlanAllowsSync));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, request, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Sync(world.Ada, (s, c) => s.GetWebhookAsync(c, world.Acme, Cancel)));

        await world.SetPlanAsync(Plan.Enterprise);
        Assert.Equal(GitHubSyncStatus.Succeeded, (await world.SyncNowAsync()).Status);
    }

    [Fact]
    public async Task Disconnecting_erases_the_secrets_cancels_queued_syncs_and_returns_to_the_built_in_framework()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        await world.SyncNowAsync();
        var queued = await world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel));

        await world.Core.InScopeAsync(sp => sp.GetRequiredService<GitHubSyncService>().DisconnectAsync(world.Ada, world.Acme, Cancel));

        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.False(await db.GitHubSyncSettings.AnyAsync(Cancel));
        Assert.Equal(GitHubSyncStatus.Cancelled, (await db.GitHubSyncJobs.SingleAsync(j => j.Id == queued.Id, Cancel)).Status);
        Assert.DoesNotContain(await world.OrganizationVersionsAsync(), v => v.IsCurrent);
        var effective = await db.FrameworkVersions.Where(v => v.IsCurrent).OrderBy(v => v.OrganizationId == null ? 1 : 0).FirstAsync(Cancel);
        Assert.Null(effective.OrganizationId);
    }

    [Fact]
    public async Task A_new_token_replaces_the_stored_one_only_when_entered_and_can_be_removed()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();
        byte[] first;
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            first = (await db.GitHubSyncSettings.SingleAsync(Cancel)).TokenCiphertext!;
        }

        // Omitting the token keeps the stored one (checked again with GitHub).
        var kept = await world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, new(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, GitHubSyncWorld.Branch, null), Cancel));
        Assert.True(kept.HasToken);
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            Assert.Equal(first, (await db.GitHubSyncSettings.SingleAsync(Cancel)).TokenCiphertext);
        }

        var removed = await world.Sync(world.Ada, (s, c) => s.RemoveTokenAsync(c, world.Acme, Cancel));
        Assert.False(removed.HasToken);
        await Assert.ThrowsAsync<ConflictException>(() => world.Sync(world.Ada, (s, c) => s.RequestSyncAsync(c, world.Acme, Cancel)));
    }

    [Theory]
    [InlineData("other-owner", GitHubSyncWorld.Repo, GitHubSyncWorld.Branch)]
    [InlineData(GitHubSyncWorld.Owner, "other-repo", GitHubSyncWorld.Branch)]
    [InlineData(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "release")]
    [InlineData(GitHubSyncWorld.Owner, GitHubSyncWorld.Repo, "Main")]
    public async Task Changing_the_source_without_a_token_is_refused_naming_the_token_and_nothing_is_written_or_sent(string owner, string repository, string branch)
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        world.GitHub.Push(owner, repository, branch, SyncFixtures.Framework());
        await world.ConfigureAsync();
        GitHubSyncSettings before;
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            before = await db.GitHubSyncSettings.AsNoTracking().SingleAsync(Cancel);
        }

        world.GitHub.ClearRequests();

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, new(owner, repository, branch, null), Cancel)));

        var failure = Assert.Single(error.Errors);
        Assert.Equal(("Token", GitHubSyncService.TokenRequiredForNewSource), (failure.PropertyName, failure.ErrorMessage));
        Assert.Equal(0, world.GitHub.RequestCount);
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            var after = await db.GitHubSyncSettings.AsNoTracking().SingleAsync(Cancel);
            Assert.Equal((before.Owner, before.Repository, before.Branch, before.UpdatedAt), (after.Owner, after.Repository, after.Branch, after.UpdatedAt));
            Assert.Equal(before.TokenCiphertext, after.TokenCiphertext);
        }

        // With a token entered for it, the same change is accepted.
        var changed = await world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, new(owner, repository, branch, world.GitHub.Token), Cancel));
        Assert.Equal((owner, repository, branch), (changed.Owner, changed.Repository, changed.Branch));
    }

    [Fact]
    public async Task Owner_and_repository_in_another_case_are_the_same_source_and_keep_the_stored_token()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        await world.ConfigureAsync();

        var kept = await world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, new("ACME", "Standards", GitHubSyncWorld.Branch, null), Cancel));

        Assert.True(kept.HasToken);
        Assert.Equal("ACME", kept.Owner);
    }

    [Fact]
    public void The_archive_host_is_GitHubs_codeload_for_github_com_and_nothing_else()
    {
        var endpoints = new GitHubEndpoints(new Uri("https://api.github.com/"));

        Assert.True(endpoints.IsApi(new Uri("https://api.github.com/repos/a/b")));
        Assert.True(endpoints.IsArchive(new Uri("https://codeload.github.com/a/b/legacy.tar.gz/main")));
        Assert.False(endpoints.IsArchive(new Uri("http://codeload.github.com/a/b")));
        Assert.False(endpoints.IsApi(new Uri("https://api.github.com.evil.example/repos")));
        Assert.False(endpoints.IsArchive(new Uri("https://evil.example/codeload.github.com")));
        Assert.False(endpoints.IsApi(new Uri("http://api.github.com/repos/a/b")));
    }

    [Fact]
    public async Task A_missing_owner_repository_or_branch_is_named_before_GitHub_is_asked_anything()
    {
        await using var world = await GitHubSyncWorld.CreateAsync();
        var asked = world.GitHub.Requests.Count;

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Sync(world.Ada, (s, c) => s.ConfigureAsync(c, world.Acme, new(null, null, null, world.GitHub.Token), Cancel)));

        Assert.Equal(["Branch", "Owner", "Repository"], error.Errors.Select(e => e.PropertyName).Order());
        Assert.Equal(asked, world.GitHub.Requests.Count);
    }

    [Theory]
    [InlineData("main", true)]
    [InlineData("feature/sync-2", true)]
    [InlineData("release-1.0", true)]
    [InlineData("../main", false)]
    [InlineData("main.lock", false)]
    [InlineData("a b", false)]
    [InlineData("a#b", false)]
    [InlineData("-rf", false)]
    [InlineData("a..b", false)]
    public void Branch_names_follow_gits_rules(string branch, bool valid) => Assert.Equal(valid, GitHubNames.IsValidBranch(branch));

    private static GitHubSyncRunner NewRunner(GitHubSyncWorld world) => new(
        world.Core.GetRequiredService<IServiceScopeFactory>(),
        world.Core.GetRequiredService<GitHubSyncOptions>(),
        world.Core.GetRequiredService<GitHubTransport>(),
        world.Core.GetRequiredService<GitHubSyncSignal>(),
        world.Core.GetRequiredService<FrameworkCheckAddress>(),
        TimeProvider.System,
        NullLogger<GitHubSyncRunner>.Instance);
}
