using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Dashboard;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.FrameworkUpgrades;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.Checklists;

/// <summary>
/// "Review every N days": roadmap asks for a review every 30 days (the fixture framework otherwise). A Done item past its
/// interval is stale, is listed on the dashboard, keeps its status and its place in progress, until someone marks it reviewed.
/// </summary>
public sealed class ReviewScheduleTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static FrameworkDefinition WithRoadmapEvery(int days)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 0).Set("reviewIntervalDays", days.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return fixture.ParseValid();
    }

    private static async Task<(ProjectWorld World, FakeTimeProvider Clock, Guid Project)> DoneRoadmapAsync(DatabaseProvider? provider)
    {
        var clock = new FakeTimeProvider(Start);
        var world = await ProjectWorld.CreateAsync(provider, WithRoadmapEvery(30), clock);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        return (world, clock, project);
    }

    private static Task<T> Reviews<T>(ProjectWorld world, Caller caller, Func<ItemReviewService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<ItemReviewService>(), caller));

    private static Task<OrganizationDashboard> DashboardAsync(ProjectWorld world, Caller caller, Guid organization)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<DashboardService>().GetAsync(caller, organization, Cancel));

    private static async Task<ChecklistItem> StoredAsync(ProjectWorld world, Guid organization, Guid itemId)
    {
        await using var db = world.Core.Database.CreateContext(organization);
        return await db.ChecklistItems.AsNoTracking().SingleAsync(i => i.Id == itemId, Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_project_copies_the_interval_and_a_status_change_keeps_the_completion_time(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var world = await ProjectWorld.CreateAsync(provider, WithRoadmapEvery(30), clock);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var roadmap = await world.ItemAsync(project, "roadmap");

        var done = await world.UpdateItemAsync(project, roadmap, ChecklistItemStatus.Done);
        var completedWhenDone = (await StoredAsync(world, world.Acme, roadmap.Id)).CompletedAt;
        clock.Advance(TimeSpan.FromDays(1));
        var notApplicable = await world.UpdateItemAsync(project, done, ChecklistItemStatus.NotApplicable, reason: "Not ours");
        var completedWhenNotApplicable = (await StoredAsync(world, world.Acme, roadmap.Id)).CompletedAt;
        var reopened = await world.UpdateItemAsync(project, notApplicable, ChecklistItemStatus.InProgress);

        Assert.Equal(30, roadmap.ReviewIntervalDays);
        Assert.Null((await world.ItemAsync(project, "backlog")).ReviewIntervalDays);
        Assert.Equal(Start.UtcDateTime, completedWhenDone);
        Assert.Equal(Start.UtcDateTime.AddDays(1), completedWhenNotApplicable);
        Assert.Null((await StoredAsync(world, world.Acme, roadmap.Id)).CompletedAt);
        Assert.Equal((Start.UtcDateTime, new DateOnly(2027, 3, 31)), (done.CompletedAt!.Value, done.ReviewDueOn!.Value));
        Assert.Null(notApplicable.ReviewDueOn);
        Assert.Null(reopened.CompletedAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_done_item_becomes_stale_only_after_its_interval_and_keeps_its_status_and_progress(DatabaseProvider provider)
    {
        var (world, clock, project) = await DoneRoadmapAsync(provider);
        await using var _ = world;
        var id = (await world.ItemAsync(project, "roadmap")).Id;

        clock.Advance(TimeSpan.FromDays(30));
        var atTheInterval = await world.ItemAsync(project, "roadmap");
        clock.Advance(TimeSpan.FromSeconds(1));
        var checklist = await world.ChecklistAsync(project, world.Ben);
        var page = await world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new ListChecklistItemsRequest(), Cancel));
        var details = await world.Checklists(world.Ben, (s, c) => s.GetItemAsync(c, world.Acme, project, id, Cancel));
        var progress = (await world.Projects(world.Ben, (p, c) => p.GetAsync(c, world.Acme, project, Cancel))).Progress;

        Assert.False(atTheInterval.Stale);
        var stale = checklist.AllItems().Single(i => i.Id == id);
        Assert.Equal((true, StaleReason.ReviewOverdue, ChecklistItemStatus.Done, new DateOnly(2027, 3, 31)), (stale.Stale, stale.StaleReason, stale.Status, stale.ReviewDueOn));
        Assert.True(page.Items.Single(e => e.Item.Id == id).Item.Stale);
        Assert.True(details.Item.Stale);
        Assert.All(checklist.AllItems().Where(i => i.Id != id), i => Assert.False(i.Stale));
        Assert.Equal(1, progress.Done);
        Assert.Equal(ChecklistItemStatus.Done, (await StoredAsync(world, world.Acme, id)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Marking_reviewed_restarts_the_period_changes_nothing_else_and_is_recorded(DatabaseProvider provider)
    {
        var (world, clock, project) = await DoneRoadmapAsync(provider);
        await using var _ = world;
        clock.Advance(TimeSpan.FromDays(40));
        var stale = await world.ItemAsync(project, "roadmap");

        var reviewed = await Reviews(world, world.Ada, (r, c) => r.MarkReviewedAsync(c, world.Acme, project, stale.Id, new MarkItemReviewedRequest(stale.Version), Cancel));
        var read = await world.ItemAsync(project, "roadmap");
        clock.Advance(TimeSpan.FromDays(31));
        var staleAgain = await world.ItemAsync(project, "roadmap");

        Assert.True(stale.Stale);
        Assert.Equal((false, ChecklistItemStatus.Done, stale.Version + 1), (reviewed.Stale, reviewed.Status, reviewed.Version));
        Assert.Equal((false, new DateOnly(2027, 5, 10), Start.UtcDateTime.AddDays(40)), (read.Stale, read.ReviewDueOn!.Value, read.ReviewedAt!.Value));
        Assert.Equal((stale.Notes, stale.CompletedAt), (read.Notes, read.CompletedAt));
        Assert.Equal(stale.EvidenceLinks, read.EvidenceLinks);
        Assert.True(staleAgain.Stale);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var entry = await db.ActivityEntries.OrderBy(a => a.At).LastAsync(Cancel);
        Assert.Equal((ItemReviewService.ReviewedAction, world.Ada.UserId, (Guid?)stale.Id), (entry.Action, entry.UserId, entry.ChecklistItemId));
        Assert.Contains("reviewedAt", entry.ChangesJson, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Mark_reviewed_refuses_a_plain_member_another_organization_a_stale_version_and_an_open_item_writing_nothing(DatabaseProvider provider)
    {
        var (world, clock, project) = await DoneRoadmapAsync(provider);
        await using var _ = world;
        clock.Advance(TimeSpan.FromDays(40));
        var roadmap = await world.ItemAsync(project, "roadmap");
        var backlog = await world.ItemAsync(project, "backlog");
        Task<ChecklistItemView> Mark(Caller caller, Guid organization, ChecklistItemView item, long? version = null)
            => Reviews(world, caller, (r, c) => r.MarkReviewedAsync(c, organization, project, item.Id, new MarkItemReviewedRequest(version ?? item.Version), Cancel));

        await Assert.ThrowsAsync<ForbiddenException>(() => Mark(world.Ben, world.Acme, roadmap));
        await Assert.ThrowsAsync<NotFoundException>(() => Mark(world.Eve, world.Evil, roadmap));
        await Assert.ThrowsAsync<NotFoundException>(() => Mark(world.Eve, world.Acme, roadmap));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Mark(world.Ada, world.Acme, roadmap, roadmap.Version + 1));
        await Assert.ThrowsAsync<ConflictException>(() => Mark(world.Ada, world.Acme, backlog));
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() => Mark(world.Ada, world.Acme, roadmap, 0));

        var after = await StoredAsync(world, world.Acme, roadmap.Id);
        Assert.Equal((roadmap.Version, (DateTime?)null), (after.Version, after.ReviewedAt));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(0, await db.ActivityEntries.CountAsync(a => a.Action == ItemReviewService.ReviewedAction, Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_lists_stale_items_of_the_callers_organization_oldest_first_and_not_archived_projects(DatabaseProvider provider)
    {
        var (world, clock, apollo) = await DoneRoadmapAsync(provider);
        await using var _ = world;
        clock.Advance(TimeSpan.FromDays(5));
        var gemini = (await world.CreateProjectAsync("Gemini")).Project.Id;
        await world.SetItemAsync(gemini, "roadmap", ChecklistItemStatus.Done);
        var archived = (await world.CreateProjectAsync("Mercury")).Project.Id;
        await world.SetItemAsync(archived, "roadmap", ChecklistItemStatus.Done);
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, archived, new("Mercury", Status: ProjectStatus.Archived), Cancel));
        var ops = (await world.Departments(world.Eve, (d, c) => d.CreateAsync(c, world.Evil, new("Ops"), Cancel))).Id;
        var evilProject = (await world.Projects(world.Eve, (p, c) => p.CreateAsync(c, world.Evil, new CreateProjectRequest(ops, "Evil plan"), Cancel))).Project.Id;
        var evilRoadmap = (await world.Checklists(world.Eve, (s, c) => s.GetAsync(c, world.Evil, evilProject, Cancel))).AllItems().Single(i => i.ItemSlug == "roadmap");
        await world.Checklists(world.Eve, (s, c) => s.UpdateItemAsync(c, world.Evil, evilProject, evilRoadmap.Id, new(evilRoadmap.Version, ChecklistItemStatus.Done), Cancel));
        var beforeAny = await DashboardAsync(world, world.Ben, world.Acme);
        clock.Advance(TimeSpan.FromDays(40));

        var dashboard = await DashboardAsync(world, world.Ben, world.Acme);
        var evil = await DashboardAsync(world, world.Eve, world.Evil);

        Assert.Empty(beforeAny.StaleItems);
        Assert.Equal(
            [("Apollo", "roadmap", new DateOnly(2027, 3, 31)), ("Gemini", "roadmap", new DateOnly(2027, 4, 5))],
            dashboard.StaleItems.Select(s => (s.ProjectName, s.ItemSlug, s.ReviewDueOn)));
        Assert.Equal(2, dashboard.StaleCount);
        Assert.All(dashboard.StaleItems, s => Assert.Equal(StaleReason.ReviewOverdue, s.Reason));
        Assert.Equal(beforeAny.Overall.Progress, dashboard.Overall.Progress);
        Assert.Equal(["Evil plan"], evil.StaleItems.Select(s => s.ProjectName));
        await Assert.ThrowsAsync<NotFoundException>(() => DashboardAsync(world, world.Eve, world.Acme));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_upgrade_gives_kept_items_the_new_interval_and_a_reset_clears_the_completion(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var world = await ProjectWorld.CreateAsync(provider, FrameworkFixture.Valid().ParseValid(), clock);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        await world.SetItemAsync(project, "changelog", ChecklistItemStatus.Done);
        clock.Advance(TimeSpan.FromDays(10));
        var next = FrameworkFixture.Valid();
        next.Item(0, 0, 0).Set("reviewIntervalDays", "7");
        next.Item(0, 1, 0).Set("reviewIntervalDays", "7");
        next.SetText("definitions/changelog.md", "# Changelog\n\nEvery release has notes, now signed.\n");
        var to = (await world.ImportSystemFrameworkAsync(next.ParseValid())).Id;
        await world.Core.InScopeAsync(async sp => await sp.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter()
            .Where(o => o.Id == world.Acme).ExecuteUpdateAsync(u => u.SetProperty(o => o.ResetChangedItemsOnUpgrade, true), Cancel));

        var preview = await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectUpgradeService>().PreviewAsync(world.Ada, world.Acme, project, Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<ProjectUpgradeService>().ApplyAsync(world.Ada, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));
        var roadmap = await world.ItemAsync(project, "roadmap");
        var changelog = await world.ItemAsync(project, "changelog");

        Assert.Contains(preview.Items, i => i.ItemSlug == "roadmap" && i.Aspects.Contains(FrameworkAspect.ReviewIntervalChanged));
        Assert.Equal((7, ChecklistItemStatus.Done, true), (roadmap.ReviewIntervalDays, roadmap.Status, roadmap.Stale));
        Assert.Equal((7, ChecklistItemStatus.NotStarted, (DateTime?)null, false), (changelog.ReviewIntervalDays, changelog.Status, changelog.CompletedAt, changelog.Stale));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_confirmed_sign_off_stamps_the_completion_time(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var world = await ProjectWorld.CreateAsync(provider, WithRoadmapEvery(30), clock);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var roadmap = await world.ItemAsync(project, "roadmap");
        var agent = world.Ada with { Surface = Surface.Mcp, Client = "claude-code" };
        await world.Checklists(agent, (s, c) => s.UpdateItemAsync(c, world.Acme, project, roadmap.Id, new(roadmap.Version, ChecklistItemStatus.Done, Rationale: "Checked."), Cancel));
        var waiting = await StoredAsync(world, world.Acme, roadmap.Id);
        clock.Advance(TimeSpan.FromDays(2));
        await world.Core.InScopeAsync(async sp =>
        {
            var signOff = sp.GetRequiredService<SignOffService>();
            var request = (await signOff.ListAsync(world.Ada, world.Acme, new ListSignOffRequests(project), Cancel)).Single();
            return await signOff.ConfirmAsync(world.Ada, world.Acme, request.Id, new SignOffDecision(), Cancel);
        });

        var confirmed = await world.ItemAsync(project, "roadmap");

        Assert.Null(waiting.CompletedAt);
        Assert.Equal((ChecklistItemStatus.Done, Start.UtcDateTime.AddDays(2), new DateOnly(2027, 4, 2)), (confirmed.Status, confirmed.CompletedAt!.Value, confirmed.ReviewDueOn!.Value));
    }
}
