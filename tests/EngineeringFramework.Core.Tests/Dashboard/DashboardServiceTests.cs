using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Dashboard;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.Dashboard;

public sealed class DashboardServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A project created on Jan 1 (noon UTC) and worked on over four weeks; the last change is on Jan 29, "today".</summary>
    private static async Task<(ProjectWorld World, Guid Apollo, Guid Gemini)> WorkedWorldAsync(DatabaseProvider? provider = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var world = await ProjectWorld.CreateAsync(provider, time: clock);
        var apollo = (await world.CreateProjectAsync("Apollo")).Project.Id;
        var gemini = (await world.CreateProjectAsync("Gemini")).Project.Id;
        await world.SetItemAsync(apollo, "unit-tests", ChecklistItemStatus.InProgress, due: new DateOnly(2027, 1, 20));
        clock.Advance(TimeSpan.FromDays(14));
        await world.SetItemAsync(apollo, "roadmap", ChecklistItemStatus.Done);
        clock.Advance(TimeSpan.FromDays(7));
        await world.SetItemAsync(apollo, "changelog", ChecklistItemStatus.NotApplicable, reason: "No releases");
        await world.SetItemAsync(gemini, "roadmap", ChecklistItemStatus.Done);
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, gemini, new("Gemini", Status: ProjectStatus.Archived), Cancel));
        clock.Advance(TimeSpan.FromDays(7));
        await world.SetItemAsync(apollo, "roadmap", ChecklistItemStatus.InProgress);
        return (world, apollo, gemini);
    }

    private static Task<T> DashboardAsync<T>(ProjectWorld world, Caller caller, Func<DashboardService, Task<T>> read)
        => world.Core.InScopeAsync(sp => read(sp.GetRequiredService<DashboardService>()));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_projects_progress_over_time_is_rebuilt_from_its_history_week_by_week(DatabaseProvider provider)
    {
        var (world, apollo, _) = await WorkedWorldAsync(provider);
        await using var _world = world;

        var history = await DashboardAsync(world, world.Ben, d => d.GetProjectHistoryAsync(world.Ben, world.Acme, apollo, Cancel));

        Assert.Equal(13, history.Trend.Count);
        Assert.Equal(new DateOnly(2027, 1, 29), history.Trend[^1].Date);
        Assert.Equal(
            [(new DateOnly(2026, 12, 25), 0, 0), (new DateOnly(2027, 1, 1), 0, 3), (new DateOnly(2027, 1, 8), 0, 3), (new DateOnly(2027, 1, 15), 1, 3), (new DateOnly(2027, 1, 22), 2, 3), (new DateOnly(2027, 1, 29), 1, 3)],
            history.Trend.TakeLast(6).Select(p => (p.Date, p.Complete, p.Required)));
        Assert.Equal([0, 0, 0, 33, 66, 33], history.Trend.TakeLast(6).Select(p => p.Percent));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_counts_progress_open_and_overdue_items_and_last_activity_leaving_archived_projects_out_of_the_totals(DatabaseProvider provider)
    {
        var (world, apollo, gemini) = await WorkedWorldAsync(provider);
        await using var _world = world;

        var dashboard = await DashboardAsync(world, world.Ben, d => d.GetAsync(world.Ben, world.Acme, Cancel));

        Assert.Equal(new DateOnly(2027, 1, 29), dashboard.Today);
        var engineering = Assert.Single(dashboard.Departments);
        Assert.Equal(("Engineering", 1), (engineering.Name, engineering.ProjectCount));
        Assert.Equal(new WorkStats(new Progress(0, 1, 3, 33), 2, 1, new DateTime(2027, 1, 29, 12, 0, 0, DateTimeKind.Utc)), engineering.Stats);
        Assert.Equal(engineering.Stats, dashboard.Overall);
        Assert.Equal(["Apollo", "Gemini"], dashboard.Projects.Select(p => p.Name));
        var archived = dashboard.Projects.Single(p => p.Id == gemini);
        Assert.Equal((ProjectStatus.Archived, new Progress(1, 0, 3, 33), 2, 0), (archived.Status, archived.Stats.Progress, archived.Stats.RequiredOpen, archived.Stats.Overdue));
        Assert.Equal(dashboard.Overall, dashboard.Projects.Single(p => p.Id == apollo).Stats);
        Assert.Equal([0, 33, 66, 33], dashboard.Trend.TakeLast(4).Select(p => p.Percent));
    }

    [Fact]
    public async Task Another_organizations_dashboard_and_project_history_are_not_found()
    {
        var (world, apollo, _) = await WorkedWorldAsync();
        await using var _world = world;

        await Assert.ThrowsAsync<NotFoundException>(() => DashboardAsync(world, world.Eve, d => d.GetAsync(world.Eve, world.Acme, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => DashboardAsync(world, world.Eve, d => d.GetProjectHistoryAsync(world.Eve, world.Acme, apollo, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => DashboardAsync(world, world.Eve, d => d.GetProjectHistoryAsync(world.Eve, world.Evil, apollo, Cancel)));
        var evil = await DashboardAsync(world, world.Eve, d => d.GetAsync(world.Eve, world.Evil, Cancel));
        Assert.Empty(evil.Projects);
        Assert.All(evil.Trend, p => Assert.Equal(0, p.Required));
    }

    [Fact]
    public void A_change_set_without_a_status_change_or_not_json_tells_nothing()
    {
        Assert.Equal((ChecklistItemStatus.NotStarted, ChecklistItemStatus.Done), ProgressHistory.StatusOf("""{"status":{"from":"NotStarted","to":"Done"},"notes":{"from":null,"to":"x"}}"""));
        Assert.Null(ProgressHistory.StatusOf("""{"notes":{"from":null,"to":"\"status\""}}"""));
        Assert.Null(ProgressHistory.StatusOf("""{"status":"Done"}"""));
        Assert.Null(ProgressHistory.StatusOf("not json"));
    }
}
