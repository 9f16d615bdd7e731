using System.Reflection;
using System.Runtime.CompilerServices;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Rendering;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Checklists;

/// <summary>
/// Item places are kept in memory per project because they cannot change; the item state never is. These tests hold
/// both halves of that bargain.
/// </summary>
public sealed class ChecklistStructuresTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_second_read_skips_the_places_but_still_reads_every_change_from_the_database(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(2, 2, 3));
        var project = (await world.CreateProjectAsync()).Project.Id;
        // The engine follows the project's new permissions first, so both counted reads catch up alike (one query).
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<EmbeddedRelationshipEngine>().CatchUpAsync(sp.GetRequiredService<AppDbContext>(), Cancel));

        var (first, firstQueries) = await ReadCountingAsync(world, project);
        var item = first.Categories[1].Subcategories[0].Items[2];
        await world.Core.InScopeAsync(async sp =>
        {
            // Behind the service's back, as another server instance would: the next read must see it.
            var db = sp.GetRequiredService<AppDbContext>();
            await db.ChecklistItems.BypassTenantFilter().Where(i => i.Id == item.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ChecklistItemStatus.Done).SetProperty(i => i.Notes, "changed elsewhere").SetProperty(i => i.Version, 7L), Cancel);
            return 0;
        });
        var (second, secondQueries) = await ReadCountingAsync(world, project);

        var changed = second.Categories[1].Subcategories[0].Items[2];
        Assert.Equal((ChecklistItemStatus.Done, "changed elsewhere", 7L), (changed.Status, changed.Notes, changed.Version));
        Assert.Equal(Slugs(first), Slugs(second));
        Assert.Equal(firstQueries - 1, secondQueries);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_item_the_kept_places_do_not_know_sends_the_read_back_to_the_database(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(2, 2, 3));
        var project = (await world.CreateProjectAsync()).Project.Id;
        var before = await world.ChecklistAsync(project);
        var added = await world.Core.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var template = await db.ChecklistItems.BypassTenantFilter().AsNoTracking().FirstAsync(i => i.ProjectId == project, Cancel);
            var item = new ChecklistItem
            {
                OrganizationId = template.OrganizationId,
                ProjectId = project,
                ItemSlug = "aaa-first",
                Name = "Added later",
                CategorySlug = template.CategorySlug,
                CategoryName = template.CategoryName,
                CategoryOrder = -1,
                SubcategorySlug = "new",
                SubcategoryName = "New",
                SubcategoryOrder = 0,
                Order = 0,
                UpdatedAt = DateTime.UtcNow,
            };
            db.ChecklistItems.Add(item);
            await db.SaveChangesAsync(Cancel);
            return item.Id;
        });

        var after = await world.ChecklistAsync(project);

        Assert.Equal(Slugs(before).Count + 1, Slugs(after).Count);
        Assert.Equal(added, after.Categories[0].Subcategories[0].Items[0].Id);
        Assert.Equal("Added later", after.Categories[0].Subcategories[0].Items[0].Name);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Places_changed_with_the_projects_framework_version_elsewhere_are_read_again(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(1, 1, 2));
        var project = (await world.CreateProjectAsync()).Project.Id;
        var item = (await world.ChecklistAsync(project)).AllItems().First();
        var newer = (await world.ImportSystemFrameworkAsync(ProjectWorld.Generated(1, 1, 3))).Id;

        // What an upgrade on another instance writes: the item's place, and the project's version in the same transaction.
        await world.Core.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.ChecklistItems.BypassTenantFilter().Where(i => i.Id == item.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Name, "Renamed elsewhere").SetProperty(i => i.RetiredAt, DateTime.UtcNow), Cancel);
            await db.Projects.BypassTenantFilter().Where(p => p.Id == project).ExecuteUpdateAsync(u => u.SetProperty(p => p.FrameworkVersionId, newer), Cancel);
        });

        var read = (await world.ChecklistAsync(project)).AllItems().Single(i => i.Id == item.Id);
        Assert.Equal(("Renamed elsewhere", true), (read.Name, read.Retired));
    }

    private static List<string> Slugs(ProjectChecklist checklist)
        => [.. checklist.Categories.SelectMany(c => c.Subcategories.SelectMany(s => s.Items.Select(i => $"{c.Slug}/{s.Slug}/{i.ItemSlug}")))];

    private static async Task<(ProjectChecklist Checklist, int Queries)> ReadCountingAsync(ProjectWorld world, Guid project)
    {
        var counter = new CommandCounter();
        var checklist = await world.Core.InScopeAsync(async sp =>
        {
            var tenant = new TenantContext();
            await using var db = counter.CreateContext(world.Core.Database, tenant);
            var service = new ChecklistService(db, tenant, new Authorizer(db, sp.GetRequiredService<IRelationshipEngineSource>()), new MarkdownRenderer(), TimeProvider.System, sp.GetRequiredService<ChecklistStructures>());
            return await service.GetAsync(world.Ada, world.Acme, project, Cancel);
        });
        return (checklist, counter.Count);
    }
}
