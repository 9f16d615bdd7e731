using System.Text.Json.Nodes;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.OrganizationArchives;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.OrganizationArchives;

/// <summary>Archives carry an item's review interval and times; an archive written before them still imports.</summary>
public sealed class ReviewIntervalArchiveTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(ProjectWorld World, OrganizationArchive Archive)> ExportedAsync(DatabaseProvider? provider)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 0).Set("reviewIntervalDays", "30");
        var world = await ProjectWorld.CreateAsync(provider, fixture.ParseValid());
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        var archive = await world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationArchiveService>().ExportAsync(world.Ada, world.Acme, Cancel));
        return (world, archive);
    }

    private static OrganizationArchive Edited(OrganizationArchive archive, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(OrganizationArchiveJson.Serialize(archive))!.AsObject();
        foreach (var item in node["projects"]!.AsArray().SelectMany(p => p!["items"]!.AsArray()))
        {
            edit(item!.AsObject());
        }

        return OrganizationArchiveJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()))!;
    }

    private static async Task<ChecklistItem> ImportedRoadmapAsync(ProjectWorld world, OrganizationArchive archive)
    {
        var grace = await world.Core.CreateUserAsync("grace");
        var imported = await world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationArchiveService>().ImportAsync(grace, archive, Cancel));
        await using var db = world.Core.Database.CreateContext(imported.Id);
        return await db.ChecklistItems.AsNoTracking().SingleAsync(i => i.ItemSlug == "roadmap", Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_interval_and_completion_time_travel_with_the_archive(DatabaseProvider provider)
    {
        var (world, archive) = await ExportedAsync(provider);
        await using var _ = world;
        var exported = archive.Projects.Single().Items.Single(i => i.ItemSlug == "roadmap");

        var roadmap = await ImportedRoadmapAsync(world, OrganizationArchiveJson.Deserialize(OrganizationArchiveJson.Serialize(archive))!);

        Assert.Equal(30, exported.ReviewIntervalDays);
        Assert.NotNull(exported.CompletedAt);
        Assert.Equal((30, exported.CompletedAt), (roadmap.ReviewIntervalDays, roadmap.CompletedAt));
    }

    [Fact]
    public async Task An_archive_from_before_review_intervals_imports_with_the_last_update_as_completion()
    {
        var (world, archive) = await ExportedAsync(null);
        await using var _ = world;
        var old = Edited(archive, item =>
        {
            item.Remove("reviewIntervalDays");
            item.Remove("completedAt");
            item.Remove("reviewedAt");
        });
        var updatedAt = old.Projects.Single().Items.Single(i => i.ItemSlug == "roadmap").UpdatedAt;

        var roadmap = await ImportedRoadmapAsync(world, old);

        Assert.Equal((ChecklistItemStatus.Done, (int?)null, (DateTime?)updatedAt), (roadmap.Status, roadmap.ReviewIntervalDays, roadmap.CompletedAt));
    }

    [Fact]
    public async Task An_archive_with_an_interval_out_of_range_is_refused_naming_it()
    {
        var (world, archive) = await ExportedAsync(null);
        await using var _ = world;
        var tampered = Edited(archive, item => item["reviewIntervalDays"] = 0);
        var grace = await world.Core.CreateUserAsync("grace");

        var refused = await Assert.ThrowsAsync<ValidationException>(() => world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationArchiveService>().ImportAsync(grace, tampered, Cancel)));

        Assert.Contains(refused.Errors, e => e.PropertyName.EndsWith("ReviewIntervalDays", StringComparison.Ordinal));
    }
}
