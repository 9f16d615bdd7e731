using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Dashboard;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Evidence;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.Evidence;

/// <summary>
/// Evidence links on GitHub, checked against a fake GitHub over real HTTP: a link resolves or is missing; a file's last
/// commit is recorded; a Done item whose file changed since is stale (status and progress unchanged) until reviewed.
/// </summary>
public sealed class EvidenceCheckTests
{
    private const string Owner = "acme";
    private const string Repo = "app";
    private static readonly DateTimeOffset Start = new(2027, 5, 3, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Links_resolve_or_are_missing_and_a_file_records_the_commit_that_last_touched_it(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        var modelCommit = w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1"), ("src/app.cs", "1")));
        var head = w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1"), ("src/app.cs", "2")));
        w.GitHub.PullRequest(Owner, Repo, 7, merged: true);
        var links = new[]
        {
            w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md") + "#L3-L9",
            $"{w.GitHub.ApiUrl}{Owner}/{Repo}/pull/7",
            $"{w.GitHub.ApiUrl}{Owner}/{Repo}/commit/{head[..10]}",
            w.GitHub.FileLink(Owner, Repo, "main", "docs/missing.md"),
            $"{w.GitHub.ApiUrl}{Owner}/{Repo}/pull/99",
            $"{w.GitHub.ApiUrl}{Owner}/private/blob/main/README.md",
            "https://example.com/not-github",
        };

        await w.SetDoneAsync("roadmap", links);
        var before = await w.EvidenceAsync("roadmap");
        var looked = await w.RunChecksAsync();
        var after = (await w.EvidenceAsync("roadmap")).ToDictionary(e => e.Url);

        Assert.Equal(6, before.Count);
        Assert.All(before, e => Assert.Equal(EvidenceState.Pending, e.State));
        Assert.Equal(6, looked);
        Assert.DoesNotContain("https://example.com/not-github", after.Keys);
        var file = after[links[0]];
        Assert.Equal((EvidenceKind.File, EvidenceState.Resolves, modelCommit, modelCommit, false), (file.Kind, file.State, file.RecordedCommitSha, file.LatestCommitSha, file.Changed));
        Assert.Equal((EvidenceState.Resolves, "Pull request merged."), (after[links[1]].State, after[links[1]].Message));
        Assert.Equal((EvidenceKind.Commit, EvidenceState.Resolves), (after[links[2]].Kind, after[links[2]].State));
        Assert.All([links[3], links[4], links[5]], l => Assert.Equal(EvidenceState.Missing, after[l].State));
        Assert.Contains("docs/missing.md", after[links[3]].Message, StringComparison.Ordinal);
        Assert.All(after.Values, e => Assert.Equal(Start.UtcDateTime, e.CheckedAt));
        Assert.False((await w.World.ItemAsync(w.Project, "roadmap")).Stale);
        Assert.All(w.GitHub.Requests, r => Assert.Equal("Bearer " + w.GitHub.Token, r.Authorization));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_changed_file_makes_the_done_item_stale_without_touching_its_status_until_someone_reviews_it(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        var first = w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1"), ("docs/runbook.md", "r1")));
        var threatModel = w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md");
        await w.SetDoneAsync("roadmap", [threatModel]);
        await w.SetDoneAsync("changelog", [w.GitHub.FileLink(Owner, Repo, "main", "docs/runbook.md")]);
        await w.RunChecksAsync();

        var changed = w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v2"), ("docs/runbook.md", "r1")));
        var beforeTheRecheck = await w.RunChecksAsync();
        w.Clock.Advance(TimeSpan.FromHours(12));
        await w.RunChecksAsync();

        var roadmap = await w.World.ItemAsync(w.Project, "roadmap");
        var untouched = await w.World.ItemAsync(w.Project, "changelog");
        var evidence = Assert.Single(await w.EvidenceAsync("roadmap"));
        var dashboard = await w.World.Core.InScopeAsync(sp => sp.GetRequiredService<DashboardService>().GetAsync(w.World.Ben, w.World.Acme, Cancel));
        var progress = (await w.World.Projects(w.World.Ben, (p, c) => p.GetAsync(c, w.World.Acme, w.Project, Cancel))).Progress;
        var history = await w.World.Activity(w.World.Ben, (a, c) => a.ListForItemAsync(c, w.World.Acme, w.Project, roadmap.Id, new ListActivityRequest(), Cancel));

        Assert.Equal(0, beforeTheRecheck);
        Assert.Equal((ChecklistItemStatus.Done, true, StaleReason.EvidenceChanged), (roadmap.Status, roadmap.Stale, roadmap.StaleReason));
        Assert.False(untouched.Stale);
        Assert.Equal((first, changed, true), (evidence.RecordedCommitSha, evidence.LatestCommitSha, evidence.Changed));
        Assert.Equal(2, progress.Done);
        var listed = Assert.Single(dashboard.StaleItems);
        Assert.Equal((roadmap.Id, StaleReason.EvidenceChanged, (DateOnly?)null), (listed.ItemId, listed.Reason, listed.ReviewDueOn));
        var entry = history.Items.First();
        Assert.Equal((EvidenceCheckRunner.EvidenceChangedAction, ActorKind.System), (entry.Action, entry.Actor.Kind));

        // A person looks, accepts the new version: no longer stale, and the next look records the file as it is now.
        var reviewed = await w.World.Core.InScopeAsync(sp => sp.GetRequiredService<ItemReviewService>()
            .MarkReviewedAsync(w.World.Ada, w.World.Acme, w.Project, roadmap.Id, new MarkItemReviewedRequest(roadmap.Version), Cancel));
        await w.RunChecksAsync();
        var accepted = Assert.Single(await w.EvidenceAsync("roadmap"));

        Assert.False(reviewed.Stale);
        Assert.Equal((changed, changed, false), (accepted.RecordedCommitSha, accepted.LatestCommitSha, accepted.Changed));
        Assert.False((await w.World.ItemAsync(w.Project, "roadmap")).Stale);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_deleted_file_is_a_change_and_reopening_the_item_clears_the_flag(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1")));
        await w.SetDoneAsync("roadmap", [w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md")]);
        await w.RunChecksAsync();

        w.GitHub.Push(Owner, Repo, "main", Files(("docs/other.md", "x")));
        w.Clock.Advance(TimeSpan.FromHours(12));
        await w.RunChecksAsync();
        var stale = await w.World.ItemAsync(w.Project, "roadmap");
        var gone = Assert.Single(await w.EvidenceAsync("roadmap"));
        var reopened = await w.World.Checklists(w.World.Ada, (s, c) => s.UpdateItemAsync(
            c, w.World.Acme, w.Project, stale.Id, new UpdateChecklistItemRequest(stale.Version, ChecklistItemStatus.InProgress, EvidenceLinks: stale.EvidenceLinks), Cancel));

        Assert.Equal(StaleReason.EvidenceChanged, stale.StaleReason);
        Assert.Equal((EvidenceState.Missing, true), (gone.State, gone.Changed));
        Assert.Null(reopened.StaleReason);
        Assert.Null(reopened.EvidenceChangedAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_token_nothing_is_asked_and_connecting_checks_the_links(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider, connect: false);
        w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1")));
        await w.SetDoneAsync("roadmap", [w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md")]);

        await w.RunChecksAsync();
        var unconnected = Assert.Single(await w.EvidenceAsync("roadmap"));
        var asked = w.GitHub.RequestCount;
        await w.ConfigureGitHubAsync();
        w.GitHub.ClearRequests();
        await w.RunChecksAsync();
        var connected = Assert.Single(await w.EvidenceAsync("roadmap"));

        Assert.Equal(EvidenceState.NotConnected, unconnected.State);
        Assert.Equal(0, asked);
        Assert.Equal(EvidenceState.Resolves, connected.State);
        Assert.NotEmpty(w.GitHub.Requests);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_failing_GitHub_is_tried_again_later_and_never_makes_an_item_stale(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1")));
        await w.SetDoneAsync("roadmap", [w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md")]);
        w.GitHub.Fail(FakeGitHubEndpoint.Commits, 502, "Server Error");

        await w.RunChecksAsync();
        var failed = Assert.Single(await w.EvidenceAsync("roadmap"));
        var row = await w.CheckRowAsync();
        var tooEarly = await w.RunChecksAsync();
        w.GitHub.Heal(FakeGitHubEndpoint.Commits);
        w.Clock.Advance(new GitHubSyncOptions().RetryDelay);
        await w.RunChecksAsync();
        var resolved = Assert.Single(await w.EvidenceAsync("roadmap"));

        Assert.Equal(EvidenceState.Failed, failed.State);
        Assert.Contains("502", failed.Message, StringComparison.Ordinal);
        Assert.Equal((1, Start.UtcDateTime + new GitHubSyncOptions().RetryDelay), (row.Failures, row.DueAt));
        Assert.Equal(0, tooEarly);
        Assert.False((await w.World.ItemAsync(w.Project, "roadmap")).Stale);
        Assert.Equal((EvidenceState.Resolves, false), (resolved.State, resolved.Changed));
        Assert.Equal(0, (await w.CheckRowAsync()).Failures);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_workers_at_once_look_at_each_link_exactly_once(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        var files = Enumerable.Range(1, 12).Select(i => ($"docs/{i}.md", "v1")).ToArray();
        w.GitHub.Push(Owner, Repo, "main", Files(files));
        await w.SetDoneAsync("roadmap", [.. files.Select(f => w.GitHub.FileLink(Owner, Repo, "main", f.Item1))]);
        w.GitHub.ClearRequests();
        var second = ActivatorUtilities.CreateInstance<EvidenceCheckRunner>(w.World.Core.GetRequiredService<IServiceProvider>());

        var looked = await Task.WhenAll(w.RunChecksAsync(), second.RunDueAsync(Cancel));

        Assert.Equal(12, looked.Sum());
        Assert.Equal(12, w.GitHub.Requests.Count(r => r.PathAndQuery.StartsWith($"/repos/{Owner}/{Repo}/commits?", StringComparison.Ordinal)));
        Assert.All(await w.EvidenceAsync("roadmap"), e => Assert.Equal(EvidenceState.Resolves, e.State));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Removing_a_link_removes_its_check_and_another_organization_sees_none(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        w.GitHub.Push(Owner, Repo, "main", Files(("a.md", "1"), ("b.md", "1")));
        var a = w.GitHub.FileLink(Owner, Repo, "main", "a.md");
        var b = w.GitHub.FileLink(Owner, Repo, "main", "b.md");
        var done = await w.SetDoneAsync("roadmap", [a, b]);

        await w.World.Checklists(w.World.Ada, (s, c) => s.UpdateItemAsync(c, w.World.Acme, w.Project, done.Id, new UpdateChecklistItemRequest(done.Version, ChecklistItemStatus.Done, EvidenceLinks: [b]), Cancel));
        var evilDepartment = (await w.World.Departments(w.World.Eve, (d, c) => d.CreateAsync(c, w.World.Evil, new("Ops"), Cancel))).Id;
        var evilProject = (await w.World.Projects(w.World.Eve, (p, c) => p.CreateAsync(c, w.World.Evil, new Core.Projects.CreateProjectRequest(evilDepartment, "Evil plan"), Cancel))).Project.Id;
        var evilItem = (await w.World.Checklists(w.World.Eve, (s, c) => s.GetAsync(c, w.World.Evil, evilProject, null, Cancel))).AllItems().First();
        var evilDetails = await w.World.Checklists(w.World.Eve, (s, c) => s.GetItemAsync(c, w.World.Evil, evilProject, evilItem.Id, Cancel));

        Assert.Equal([b], (await w.EvidenceAsync("roadmap")).Select(e => e.Url));
        Assert.Empty(evilDetails.Evidence);
        await using var db = w.World.Core.Database.CreateContext(w.World.Evil);
        Assert.Equal(0, await db.EvidenceChecks.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_imported_organization_tracks_its_links_afresh_and_checks_them_once_it_has_a_token(DatabaseProvider provider)
    {
        await using var w = await EvidenceWorld.CreateAsync(provider);
        w.GitHub.Push(Owner, Repo, "main", Files(("docs/threat-model.md", "v1")));
        await w.SetDoneAsync("roadmap", [w.GitHub.FileLink(Owner, Repo, "main", "docs/threat-model.md"), "https://example.com/minutes"]);
        await w.RunChecksAsync();

        var archive = await w.World.Core.InScopeAsync(sp => sp.GetRequiredService<Core.OrganizationArchives.OrganizationArchiveService>().ExportAsync(w.World.Ada, w.World.Acme, Cancel));
        var copy = (await w.World.Core.InScopeAsync(sp => sp.GetRequiredService<Core.OrganizationArchives.OrganizationArchiveService>().ImportAsync(w.World.Ada, archive with { Organization = archive.Organization with { Name = "Acme copy", Slug = "acme-copy" } }, Cancel))).Id;
        w.GitHub.ClearRequests();
        await w.RunChecksAsync();

        await using var db = w.World.Core.Database.CreateContext(copy);
        var check = await db.EvidenceChecks.AsNoTracking().SingleAsync(Cancel);
        Assert.Equal((EvidenceState.NotConnected, (string?)null), (check.State, check.RecordedCommitSha));
        Assert.Empty(w.GitHub.Requests);
    }

    private static Dictionary<string, byte[]> Files(params (string Path, string Text)[] files)
        => files.ToDictionary(f => f.Path, f => System.Text.Encoding.UTF8.GetBytes(f.Text));

    /// <summary>Acme's project "Apollo" (admin Ada, member Ben), a fake GitHub, and Acme's connection to it (token sealed as the product seals it).</summary>
    private sealed class EvidenceWorld : IAsyncDisposable
    {
        private EvidenceWorld(ProjectWorld world, FakeGitHub gitHub, FakeTimeProvider clock)
        {
            World = world;
            GitHub = gitHub;
            Clock = clock;
        }

        public ProjectWorld World { get; }

        public FakeGitHub GitHub { get; }

        public FakeTimeProvider Clock { get; }

        public Guid Project { get; private set; }

        public static async Task<EvidenceWorld> CreateAsync(DatabaseProvider provider, bool connect = true)
        {
            var gitHub = await FakeGitHub.StartAsync();
            var clock = new FakeTimeProvider(Start);
            var world = await ProjectWorld.CreateAsync(provider, time: clock, configure: services =>
            {
                services.AddSingleton(new SecretBox(EncryptionKey.Parse(EncryptionKey.Generate())));
                services.AddGitHubSync(new GitHubSyncOptions { ApiBaseUrl = gitHub.ApiUrl, RunWorker = false }, new Uri("https://ef.test"));
            });
            var evidence = new EvidenceWorld(world, gitHub, clock);
            evidence.Project = (await world.CreateProjectAsync()).Project.Id;
            if (connect)
            {
                await evidence.ConnectAsync();
            }

            return evidence;
        }

        /// <summary>Stores a connection with the fake's token, as an admin's settings would.</summary>
        private Task ConnectAsync() => World.Core.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            sp.GetRequiredService<Core.Tenancy.TenantContext>().Set(World.Acme);
            var secrets = sp.GetRequiredService<GitHubSecrets>();
            db.GitHubSyncSettings.Add(new GitHubSyncSettings
            {
                OrganizationId = World.Acme,
                Owner = Owner,
                Repository = "standards",
                Branch = "main",
                TokenCiphertext = secrets.SealToken(World.Acme, GitHub.Token),
                WebhookSecretCiphertext = secrets.SealWebhookSecret(World.Acme, GitHubSecrets.NewWebhookSecret()),
                CreatedAt = Start.UtcDateTime,
            });
            await db.SaveChangesAsync(Cancel);
        });

        /// <summary>Connects through the admin's use case (the organization on the Pro plan), as the settings page does.</summary>
        public async Task ConfigureGitHubAsync()
        {
            await using (var db = World.Core.Database.CreateContext(World.Acme))
            {
                (await db.Organizations.SingleAsync(Cancel)).Plan = Plan.Pro;
                await db.SaveChangesAsync(Cancel);
            }

            await World.Core.InScopeAsync(sp => sp.GetRequiredService<GitHubSyncService>().ConfigureAsync(World.Ada, World.Acme, new(Owner, Repo, "main", GitHub.Token), Cancel));
        }

        public async Task<ChecklistItemView> SetDoneAsync(string slug, IReadOnlyList<string> links)
        {
            var item = await World.ItemAsync(Project, slug);
            return await World.Checklists(World.Ada, (s, c) => s.UpdateItemAsync(c, World.Acme, Project, item.Id, new UpdateChecklistItemRequest(item.Version, ChecklistItemStatus.Done, EvidenceLinks: links), Cancel));
        }

        public async Task<IReadOnlyList<EvidenceCheckView>> EvidenceAsync(string slug)
        {
            var item = await World.ItemAsync(Project, slug);
            return (await World.Checklists(World.Ben, (s, c) => s.GetItemAsync(c, World.Acme, Project, item.Id, Cancel))).Evidence;
        }

        public async Task<EvidenceCheck> CheckRowAsync()
        {
            await using var db = World.Core.Database.CreateContext(World.Acme);
            return await db.EvidenceChecks.AsNoTracking().SingleAsync(Cancel);
        }

        public Task<int> RunChecksAsync() => World.Core.GetRequiredService<EvidenceCheckRunner>().RunDueAsync(Cancel);

        public async ValueTask DisposeAsync()
        {
            await World.DisposeAsync();
            await GitHub.DisposeAsync();
        }
    }
}
