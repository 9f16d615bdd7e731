using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;

namespace EngineeringFramework.Core.Tests.Checklists;

public sealed class ActivityServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task History_lists_newest_first_per_project_and_per_item_with_cursor_pages(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var roadmap = await world.ItemAsync(project, "roadmap");
        var agent = world.Ada with { Surface = Surface.Mcp, Client = "claude-code" };
        var v2 = await world.UpdateItemAsync(project, roadmap, ChecklistItemStatus.InProgress);
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "changelog"), ChecklistItemStatus.Done);
        await world.UpdateItemAsync(project, v2, ChecklistItemStatus.NotStarted, agent);

        var projectHistory = new List<ActivityEntryView>();
        string? cursor = null;
        do
        {
            var page = await world.Activity(world.Ben, (a, c) => a.ListForProjectAsync(c, world.Acme, project, new(Limit: 2, Cursor: cursor), Cancel));
            projectHistory.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        var itemHistory = await world.Activity(world.Ben, (a, c) => a.ListForItemAsync(c, world.Acme, project, roadmap.Id, new(), Cancel));

        Assert.Equal(3, projectHistory.Count);
        Assert.Equal(projectHistory.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id), projectHistory.Select(e => e.Id));
        Assert.Equal([(Surface.Mcp, "claude-code"), (Surface.Api, null)], itemHistory.Items.Select(e => (e.Surface, e.Client)));
        Assert.Equal([(ActorKind.Agent, "ada through claude-code"), (ActorKind.Person, "ada")], itemHistory.Items.Select(e => (e.Actor.Kind, e.Actor.Description)));
        Assert.Equal(["InProgress", "NotStarted"], itemHistory.Items.Select(e => e.Changes.GetProperty("status").GetProperty("from").GetString()));
        Assert.All(itemHistory.Items, e => Assert.Equal(("ada", "checklist_item.updated"), (e.UserDisplayName, e.Action)));
        Assert.Null(itemHistory.NextCursor);
    }

    [Theory]
    [InlineData(0, null, "Limit")]
    [InlineData(101, null, "Limit")]
    [InlineData(10, "bm90IGEgY3Vyc29y", "Cursor")]
    public async Task Invalid_history_request_names_the_field(int limit, string? cursor, string field)
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Activity(world.Ada, (a, c) => a.ListForProjectAsync(c, world.Acme, project, new(limit, cursor), Cancel)));

        Assert.Equal(field, Assert.Single(error.Errors).PropertyName);
    }

    [Fact]
    public async Task A_user_outside_every_organization_reads_no_history()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;
        var stranger = await world.Core.CreateUserAsync("stranger");

        await Assert.ThrowsAsync<NotFoundException>(() => world.Activity(stranger, (a, c) => a.ListForProjectAsync(c, world.Acme, project, new(), Cancel)));
    }
}
