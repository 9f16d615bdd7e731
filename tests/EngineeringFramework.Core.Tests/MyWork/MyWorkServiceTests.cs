using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.MyWork;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.MyWork;

public sealed class MyWorkServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A Wednesday; the clock every service of the world reads, so the groups' edges are exact.</summary>
    private static readonly DateOnly Today = new(2027, 3, 10);

    private static async Task<(ProjectWorld World, Guid Apollo, Guid Gemini, Guid Mercury)> AssignedWorldAsync(DatabaseProvider? provider = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(2, 2, 3), clock);
        var apollo = (await world.CreateProjectAsync("Apollo")).Project.Id;
        var gemini = (await world.CreateProjectAsync("Gemini")).Project.Id;
        var mercury = (await world.CreateProjectAsync("Mercury")).Project.Id;
        var ben = world.Ben.UserId;
        await world.SetItemAsync(apollo, "c1-s1-i1", ChecklistItemStatus.InProgress, assignee: ben, due: Today.AddDays(-1));
        await world.SetItemAsync(gemini, "c1-s1-i2", ChecklistItemStatus.NotStarted, assignee: ben, due: Today);
        await world.SetItemAsync(apollo, "c1-s2-i1", ChecklistItemStatus.NotStarted, assignee: ben, due: Today.AddDays(6));
        await world.SetItemAsync(apollo, "c1-s2-i2", ChecklistItemStatus.NotStarted, assignee: ben, due: Today.AddDays(7));
        await world.SetItemAsync(gemini, "c2-s1-i1", ChecklistItemStatus.NotStarted, assignee: ben, due: null);
        await world.SetItemAsync(apollo, "c2-s1-i2", ChecklistItemStatus.Done, assignee: ben, due: Today.AddDays(-9));
        await world.SetItemAsync(apollo, "c2-s1-i3", ChecklistItemStatus.InProgress, assignee: world.Ada.UserId, due: Today.AddDays(-1));

        // An archived project's overdue item is no one's work any more.
        await world.SetItemAsync(mercury, "c1-s1-i1", ChecklistItemStatus.NotStarted, assignee: ben, due: Today.AddDays(-3));
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, mercury, new("Mercury", Status: ProjectStatus.Archived), Cancel));
        return (world, apollo, gemini, mercury);
    }

    private static Task<MyWorkList> ListAsync(ProjectWorld world, Caller caller, MyWorkRequest request, Guid? organization = null)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<MyWorkService>().ListAsync(caller, organization ?? world.Acme, request, Cancel));

    private static Task<int> OverdueAsync(ProjectWorld world, Caller caller)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<MyWorkService>().CountOverdueAsync(caller, world.Acme, Cancel));

    private static List<(MyWorkDue Due, string Project, string Slug)> Rows(MyWorkList list)
        => [.. list.Groups.SelectMany(g => g.Items.Select(i => (g.Due, i.ProjectName, i.Item.ItemSlug)))];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Open_items_assigned_to_me_are_grouped_by_when_they_are_due_and_archived_projects_are_left_out(DatabaseProvider provider)
    {
        var (world, _, _, _) = await AssignedWorldAsync(provider);
        await using var _world = world;

        var mine = await ListAsync(world, world.Ben, new());
        var overdue = await OverdueAsync(world, world.Ben);

        Assert.Equal(Today, mine.Today);
        Assert.Equal(
            [
                (MyWorkDue.Overdue, "Apollo", "c1-s1-i1"),
                (MyWorkDue.ThisWeek, "Gemini", "c1-s1-i2"),
                (MyWorkDue.ThisWeek, "Apollo", "c1-s2-i1"),
                (MyWorkDue.Later, "Apollo", "c1-s2-i2"),
                (MyWorkDue.NoDate, "Gemini", "c2-s1-i1"),
            ],
            Rows(mine));
        Assert.Equal(5, mine.Total);
        Assert.Equal(1, overdue);
        Assert.Equal(1, await OverdueAsync(world, world.Ada));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filters_narrow_to_a_project_or_a_status_and_closed_items_come_only_when_asked_for(DatabaseProvider provider)
    {
        var (world, apollo, gemini, _) = await AssignedWorldAsync(provider);
        await using var _world = world;

        var inGemini = await ListAsync(world, world.Ben, new(ProjectId: gemini));
        var done = await ListAsync(world, world.Ben, new(Status: ChecklistItemStatus.Done));
        var everything = await ListAsync(world, world.Ben, new(ProjectId: apollo, IncludeClosed: true));

        Assert.Equal([(MyWorkDue.ThisWeek, "Gemini", "c1-s1-i2"), (MyWorkDue.NoDate, "Gemini", "c2-s1-i1")], Rows(inGemini));
        Assert.Equal([(MyWorkDue.Earlier, "Apollo", "c2-s1-i2")], Rows(done));
        Assert.Equal(["c1-s1-i1", "c1-s2-i1", "c1-s2-i2", "c2-s1-i2"], Rows(everything).Select(r => r.Slug));
        Assert.All(everything.Groups.SelectMany(g => g.Items), i => Assert.Equal(apollo, i.ProjectId));
    }

    [Fact]
    public async Task Another_organization_is_not_found_its_projects_filter_to_nothing_and_bad_filters_name_the_field()
    {
        var (world, apollo, _, _) = await AssignedWorldAsync();
        await using var _world = world;

        await Assert.ThrowsAsync<NotFoundException>(() => ListAsync(world, world.Eve, new()));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Core.InScopeAsync(sp => sp.GetRequiredService<MyWorkService>().CountOverdueAsync(world.Eve, world.Acme, Cancel)));
        var acmeProjectInEvil = await ListAsync(world, world.Eve, new(ProjectId: apollo), world.Evil);
        var invalid = await Assert.ThrowsAsync<ValidationException>(() => ListAsync(world, world.Ben, new(ProjectId: Guid.Empty, Status: (ChecklistItemStatus)9)));

        Assert.Equal(0, acmeProjectInEvil.Total);
        Assert.Equal(["ProjectId", "Status"], invalid.Errors.Select(e => e.PropertyName).Order());
    }
}
