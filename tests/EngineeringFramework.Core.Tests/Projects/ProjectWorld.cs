using System.Collections.Immutable;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Projects;

/// <summary>
/// Acme (admin Ada, plain member Ben) with one department, Evil Corp (admin Eve) next door, and the small
/// <see cref="FrameworkFixture"/> framework as the system framework. Each call runs in its own scope, as a request would.
/// </summary>
internal sealed class ProjectWorld : IAsyncDisposable
{
    private ProjectWorld(CoreServices core) => Core = core;

    public CoreServices Core { get; }

    public Caller Ada { get; private set; } = null!;

    public Caller Ben { get; private set; } = null!;

    public Caller Eve { get; private set; } = null!;

    public Guid Acme { get; private set; }

    public Guid Evil { get; private set; }

    public Guid Engineering { get; private set; }

    public Guid SystemFrameworkId { get; private set; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<ProjectWorld> CreateAsync(DatabaseProvider? provider = null, FrameworkDefinition? framework = null, TimeProvider? time = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configure = null)
    {
        var world = new ProjectWorld(await CoreServices.CreateAsync(provider, time, configure));
        world.SystemFrameworkId = (await world.ImportSystemFrameworkAsync(framework ?? FrameworkFixture.Valid().ParseValid())).Id;
        world.Ada = await world.Core.CreateUserAsync("ada");
        world.Ben = await world.Core.CreateUserAsync("ben");
        world.Eve = await world.Core.CreateUserAsync("eve");
        world.Acme = (await world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(world.Ada, new("Acme"), Cancel))).Id;
        world.Evil = (await world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(world.Eve, new("Evil Corp"), Cancel))).Id;
        await world.Core.AddMemberAsync(world.Acme, world.Ben);
        world.Engineering = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Engineering"), Cancel))).Id;
        return world;
    }

    public Task<FrameworkVersion> ImportSystemFrameworkAsync(FrameworkDefinition framework)
        => Core.InScopeAsync(async sp => (await new FrameworkImporter(sp.GetRequiredService<AppDbContext>(), TimeProvider.System).ImportAsync(framework, null, "builtin", Cancel)).Version);

    public Task<T> Departments<T>(Caller caller, Func<DepartmentService, Caller, Task<T>> action)
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<DepartmentService>(), caller));

    public Task<T> Projects<T>(Caller caller, Func<ProjectService, Caller, Task<T>> action)
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<ProjectService>(), caller));

    public Task<T> Checklists<T>(Caller caller, Func<ChecklistService, Caller, Task<T>> action)
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<ChecklistService>(), caller));

    public Task<T> Activity<T>(Caller caller, Func<ActivityService, Caller, Task<T>> action)
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<ActivityService>(), caller));

    public async Task<ProjectDetails> CreateProjectAsync(string name = "Apollo", Guid? department = null, Guid? lead = null)
        => await Projects(Ada, (p, c) => p.CreateAsync(c, Acme, new CreateProjectRequest(department ?? Engineering, name, LeadUserId: lead), Cancel));

    public Task<ProjectChecklist> ChecklistAsync(Guid projectId, Caller? caller = null)
        => Checklists(caller ?? Ada, (s, c) => s.GetAsync(c, Acme, projectId, Cancel));

    public async Task<ChecklistItemView> ItemAsync(Guid projectId, string slug)
        => (await ChecklistAsync(projectId)).AllItems().Single(i => i.ItemSlug == slug);

    /// <summary>Replaces the item's fields, at the version of <paramref name="item"/>; a field left out is cleared, as the use case does.</summary>
    public Task<ChecklistItemView> UpdateItemAsync(
        Guid projectId, ChecklistItemView item, ChecklistItemStatus status, Caller? caller = null, string? reason = null, Guid? assignee = null, DateOnly? due = null)
        => Checklists(caller ?? Ada, (s, c) => s.UpdateItemAsync(
            c, Acme, projectId, item.Id, new UpdateChecklistItemRequest(item.Version, status, reason, AssigneeUserId: assignee, DueDate: due), Cancel));

    /// <summary>Reads the item by its slug, then replaces its fields as Ada at the version just read (see <see cref="UpdateItemAsync"/>).</summary>
    public async Task<ChecklistItemView> SetItemAsync(Guid projectId, string slug, ChecklistItemStatus status, string? reason = null, Guid? assignee = null, DateOnly? due = null)
        => await UpdateItemAsync(projectId, await ItemAsync(projectId, slug), status, reason: reason, assignee: assignee, due: due);

    /// <summary>A generated framework: <paramref name="categories"/> x <paramref name="subcategories"/> x <paramref name="items"/> items.</summary>
    public static FrameworkDefinition Generated(int categories, int subcategories, int items)
        => new(
            [.. Enumerable.Range(1, categories).Select(c => new FrameworkCategory($"c{c}", $"Category {c}", c, null,
                [.. Enumerable.Range(1, subcategories).Select(s => new FrameworkSubcategory($"c{c}-s{s}", $"Subcategory {c}.{s}", s, null,
                    [.. Enumerable.Range(1, items).Select(i => new FrameworkItem($"c{c}-s{s}-i{i}", $"Item {c}.{s}.{i}", i, i == items, $"# Item {i}\n", null))]))]))],
            ImmutableArray<FrameworkTemplate>.Empty);

    public async ValueTask DisposeAsync() => await Core.DisposeAsync();
}
