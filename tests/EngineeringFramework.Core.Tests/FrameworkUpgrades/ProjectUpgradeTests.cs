using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Exports;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.FrameworkUpgrades;
using EngineeringFramework.Core.Projects;
using CsCheck;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EngineeringFramework.Core.Tests.Frameworks.FrameworkDiffTests;

namespace EngineeringFramework.Core.Tests.FrameworkUpgrades;

/// <summary>
/// A project created from version 1, then the system framework moves to version 2: backlog renamed, changelog moved
/// to quality/testing, roadmap's definition rewritten, unit-tests removed, release-notes added.
/// </summary>
public sealed class ProjectUpgradeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly FrameworkDefinition Version1 = new(
        [
            Category("delivery", 1,
                Subcategory("planning", 1, Item("roadmap", 1), Item("backlog", 2)),
                Subcategory("release", 2, Item("changelog", 1))),
            Category("quality", 2,
                Subcategory("testing", 1, Item("unit-tests", 1))),
        ],
        []);

    private static readonly FrameworkDefinition Version2 = new(
        [
            Category("delivery", 1,
                Subcategory("planning", 1, Item("roadmap", 1, definition: "# roadmap\n\nA plan for four quarters now.\n"), Item("backlog", 2) with { Name = "Product backlog" }),
                Subcategory("release", 2, Item("release-notes", 2))),
            Category("quality", 2,
                Subcategory("testing", 1, Item("changelog", 2))),
        ],
        []);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_preview_says_what_would_happen_to_each_item_and_changes_nothing(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;
        var before = await world.ChecklistAsync(project);

        var preview = await Upgrades(world, world.Ben, (s, c) => s.PreviewAsync(c, world.Acme, project, Cancel));

        Assert.Equal((to, false, 1, 1, 3, 0), (preview.To.Id, preview.UpToDate, preview.Added, preview.Retired, preview.Changed, preview.Unchanged));
        Assert.Equal(world.SystemFrameworkId, preview.From!.Id);
        Assert.Equal(
            [
                ("roadmap", UpgradeOutcome.FlaggedForReview, ChecklistItemStatus.Done),
                ("backlog", UpgradeOutcome.Updated, ChecklistItemStatus.NotStarted),
                ("release-notes", UpgradeOutcome.Added, ChecklistItemStatus.NotStarted),
                ("changelog", UpgradeOutcome.Updated, ChecklistItemStatus.NotStarted),
                ("unit-tests", UpgradeOutcome.Retired, ChecklistItemStatus.NotStarted),
            ],
            preview.Items.Select(i => (i.ItemSlug, i.Outcome, i.StatusAfter)));
        Assert.Equal([FrameworkAspect.Renamed], preview.Items.Single(i => i.ItemSlug == "backlog").Aspects);
        Assert.Equal([FrameworkAspect.Moved, FrameworkAspect.Reordered], preview.Items.Single(i => i.ItemSlug == "changelog").Aspects);
        Assert.Equal("+1 item, \u22121, 3 changed", preview.Diff.Summary);
        Assert.Equal(Shape(before), Shape(await world.ChecklistAsync(project)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Applying_keeps_what_people_recorded_flags_changed_definitions_retires_removed_items_and_adds_new_ones(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var roadmap = await world.ItemAsync(project, "roadmap");
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, roadmap.Id,
            new UpdateChecklistItemRequest(roadmap.Version, ChecklistItemStatus.Done, Notes: "Signed off.", EvidenceLinks: ["https://docs.test/roadmap"]), Cancel));
        var due = new DateOnly(2031, 1, 2);
        await world.SetItemAsync(project, "backlog", ChecklistItemStatus.InProgress, assignee: world.Ben.UserId, due: due);
        await world.SetItemAsync(project, "unit-tests", ChecklistItemStatus.Done);
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        var result = await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));

        Assert.Equal((1, 2, 1, 0, 1, 0), (result.Added, result.Updated, result.FlaggedForReview, result.Reset, result.Retired, result.Restored));
        var items = (await world.ChecklistAsync(project)).AllItems().ToDictionary(i => i.ItemSlug);
        var kept = items["roadmap"];
        Assert.Equal((ChecklistItemStatus.Done, "Signed off.", true), (kept.Status, kept.Notes, kept.DefinitionChangedSinceDone));
        Assert.Equal(["https://docs.test/roadmap"], kept.EvidenceLinks);
        var renamed = items["backlog"];
        Assert.Equal(("Product backlog", ChecklistItemStatus.InProgress, world.Ben.UserId, due, false), (renamed.Name, renamed.Status, renamed.AssigneeUserId, renamed.DueDate, renamed.DefinitionChangedSinceDone));
        Assert.Equal((ChecklistItemStatus.NotStarted, false), (items["release-notes"].Status, items["release-notes"].Retired));
        Assert.True(items["unit-tests"].Retired);
        Assert.Equal(ChecklistItemStatus.Done, items["unit-tests"].Status);

        var checklist = await world.ChecklistAsync(project);
        var testing = checklist.Categories.Single(c => c.Slug == "quality").Subcategories.Single();
        Assert.Equal(["unit-tests", "changelog"], testing.Items.Select(i => i.ItemSlug));
        var details = await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, project, Cancel));
        Assert.Equal(to, details.Project.FrameworkVersionId);
        Assert.Equal(0, details.Progress.Done - 1); // roadmap only: the retired unit-tests no longer counts
        Assert.True((await Upgrades(world, world.Ada, (s, c) => s.PreviewAsync(c, world.Acme, project, Cancel))).UpToDate);

        var history = await world.Activity(world.Ada, (a, c) => a.ListForProjectAsync(c, world.Acme, project, new ListActivityRequest(), Cancel));
        var upgraded = Assert.Single(history.Items, e => e.Action == ProjectUpgradeService.ProjectUpgradedAction);
        Assert.Equal("1", upgraded.Changes.GetProperty("itemsAdded").GetProperty("to").GetString());
        Assert.Contains(history.Items, e => e.Action == ProjectUpgradeService.ItemUpgradedAction && e.ChecklistItemId == items["unit-tests"].Id
            && e.Changes.GetProperty("retired").GetProperty("to").GetString() == "true");
        Assert.Contains(history.Items, e => e.Action == ProjectUpgradeService.ItemAddedAction && e.ChecklistItemId == items["release-notes"].Id);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_retired_item_is_read_only_and_setting_a_flagged_items_status_clears_the_flag(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));

        var retired = await world.ItemAsync(project, "unit-tests");
        var refused = await Assert.ThrowsAsync<ConflictException>(() => world.UpdateItemAsync(project, retired, ChecklistItemStatus.Done));
        Assert.Contains("retired", refused.Message, StringComparison.Ordinal);
        Assert.Equal(retired.Version, (await world.ItemAsync(project, "unit-tests")).Version);

        var reviewed = await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        Assert.False(reviewed.DefinitionChangedSinceDone);
        Assert.False((await world.ItemAsync(project, "roadmap")).DefinitionChangedSinceDone);
    }

    [Fact]
    public async Task Exports_keep_a_retired_item_and_say_it_is_retired_and_which_items_need_review()
    {
        await using var world = await ProjectWorld.CreateAsync(framework: Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "roadmap", ChecklistItemStatus.Done);
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));

        var csv = await Export(world, project, ExportFormat.Csv);
        var markdown = await Export(world, project, ExportFormat.Markdown);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",Retired,Definition changed since done,Awaiting confirmation", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",yes,no,", Assert.Single(lines, l => l.Contains(",unit-tests,", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(",no,yes,", Assert.Single(lines, l => l.Contains(",roadmap,", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("- Retired: no longer in the project's framework", markdown, StringComparison.Ordinal);
        Assert.Contains("- Definition changed since done", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_organization_that_resets_changed_items_gets_them_back_to_not_started_with_notes_kept(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var roadmap = await world.ItemAsync(project, "roadmap");
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, roadmap.Id,
            new UpdateChecklistItemRequest(roadmap.Version, ChecklistItemStatus.NotApplicable, "Not ours.", Notes: "Why."), Cancel));
        await world.Core.InScopeAsync(async sp => await sp.GetRequiredService<AppDbContext>().Organizations.BypassTenantFilter()
            .Where(o => o.Id == world.Acme).ExecuteUpdateAsync(u => u.SetProperty(o => o.ResetChangedItemsOnUpgrade, true), Cancel));
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        var preview = await Upgrades(world, world.Ada, (s, c) => s.PreviewAsync(c, world.Acme, project, Cancel));
        Assert.True(preview.ResetsChangedItems);
        Assert.Equal(UpgradeOutcome.Reset, preview.Items.Single(i => i.ItemSlug == "roadmap").Outcome);
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));

        var reset = await world.ItemAsync(project, "roadmap");
        Assert.Equal((ChecklistItemStatus.NotStarted, null, "Why.", false), (reset.Status, reset.NotApplicableReason, reset.Notes, reset.DefinitionChangedSinceDone));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_item_back_in_a_later_version_is_restored_with_what_it_had(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.SetItemAsync(project, "unit-tests", ChecklistItemStatus.InProgress);
        var v2 = (await world.ImportSystemFrameworkAsync(Version2)).Id;
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(v2), Cancel));

        // The first version made current again (same content, same stored version).
        var v1 = (await world.ImportSystemFrameworkAsync(Version1)).Id;
        var result = await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(v1), Cancel));

        Assert.Equal(world.SystemFrameworkId, v1);
        Assert.Equal((1, 1), (result.Restored, result.Retired));
        var restored = await world.ItemAsync(project, "unit-tests");
        Assert.Equal((false, ChecklistItemStatus.InProgress), (restored.Retired, restored.Status));
        Assert.True((await world.ItemAsync(project, "release-notes")).Retired);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pages_are_told_what_the_caller_may_do_the_same_way_the_use_cases_decide(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        Assert.Null(await Upgrades(world, world.Ada, (s, c) => s.GetDepartmentOfferAsync(c, world.Acme, world.Engineering, Cancel)));
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        Assert.True(await Upgrades(world, world.Ada, (s, c) => s.CanApplyAsync(c, project, Cancel)));
        Assert.False(await Upgrades(world, world.Ben, (s, c) => s.CanApplyAsync(c, project, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.CanApplyAsync(c, project, Cancel)));
        Assert.True(await Upgrades(world, world.Ada, (s, c) => s.CanSetPolicyAsync(c, world.Acme, Cancel)));
        Assert.False(await Upgrades(world, world.Ben, (s, c) => s.CanSetPolicyAsync(c, world.Acme, Cancel)));
        Assert.False(await Upgrades(world, world.Eve, (s, c) => s.CanSetPolicyAsync(c, world.Acme, Cancel)));

        var offer = await Upgrades(world, world.Ada, (s, c) => s.GetDepartmentOfferAsync(c, world.Acme, world.Engineering, Cancel));
        Assert.Equal((to, 1), (offer!.To.Id, offer.Behind));
        Assert.Null(await Upgrades(world, world.Ben, (s, c) => s.GetDepartmentOfferAsync(c, world.Acme, world.Engineering, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.GetDepartmentOfferAsync(c, world.Evil, world.Engineering, Cancel)));

        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));
        Assert.Null(await Upgrades(world, world.Ada, (s, c) => s.GetDepartmentOfferAsync(c, world.Acme, world.Engineering, Cancel)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_those_who_may_manage_the_project_apply_and_another_organization_finds_nothing(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        await Assert.ThrowsAsync<ForbiddenException>(() => Upgrades(world, world.Ben, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.ApplyAsync(c, world.Evil, project, new ApplyProjectUpgradeRequest(to), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.PreviewAsync(c, world.Evil, project, Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Upgrades(world, world.Ben, (s, c) => s.UpgradeDepartmentAsync(c, world.Acme, world.Engineering, new UpgradeDepartmentRequest(to), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Upgrades(world, world.Eve, (s, c) => s.UpgradeDepartmentAsync(c, world.Evil, world.Engineering, new UpgradeDepartmentRequest(to), Cancel)));

        var details = await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, project, Cancel));
        Assert.Equal(world.SystemFrameworkId, details.Project.FrameworkVersionId);
        Assert.DoesNotContain((await world.ChecklistAsync(project)).AllItems(), i => i.ItemSlug == "release-notes");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Only_the_current_version_is_applied_once_and_not_to_an_archived_project(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var archived = (await world.CreateProjectAsync("Old")).Project.Id;
        await world.Projects(world.Ada, (p, c) => p.PatchAsync(c, world.Acme, archived, new PatchProjectRequest { Status = ProjectStatus.Archived }, Cancel));
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        var stale = await Assert.ThrowsAsync<ConflictException>(() => Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(world.SystemFrameworkId), Cancel)));
        Assert.Contains("current framework version", stale.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ConflictException>(() => Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, archived, new ApplyProjectUpgradeRequest(to), Cancel)));
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));
        var again = await Assert.ThrowsAsync<ConflictException>(() => Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel)));
        Assert.Contains("already", again.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await world.ChecklistAsync(project)).AllItems().Count());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_upgrades_at_once_apply_once_and_an_edit_read_before_the_upgrade_is_refused(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var backlogBefore = await world.ItemAsync(project, "backlog");
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;

        var (first, second) = await Race.RunAsync<ProjectUpgradeService>(
            world.Core,
            s => s.ApplyAsync(world.Ada, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel),
            s => s.ApplyAsync(world.Ada, world.Acme, project, new ApplyProjectUpgradeRequest(to), Cancel));

        Assert.Single(new[] { first, second }, e => e is null);
        Assert.IsType<ConflictException>(first ?? second);
        var slugs = (await world.ChecklistAsync(project)).AllItems().Select(i => i.ItemSlug).ToList();
        Assert.Equal(slugs.Distinct().Count(), slugs.Count);
        Assert.Equal(5, slugs.Count);

        // The renamed item was saved by the upgrade: a change read before it is stale.
        await Assert.ThrowsAsync<PreconditionFailedException>(() => world.UpdateItemAsync(project, backlogBefore, ChecklistItemStatus.Done));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_department_is_upgraded_project_by_project_leaving_archived_ones(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Version1);
        var apollo = (await world.CreateProjectAsync("Apollo")).Project.Id;
        var gemini = (await world.CreateProjectAsync("Gemini")).Project.Id;
        var mercury = (await world.CreateProjectAsync("Mercury")).Project.Id;
        await world.Projects(world.Ada, (p, c) => p.PatchAsync(c, world.Acme, mercury, new PatchProjectRequest { Status = ProjectStatus.Archived }, Cancel));
        var to = (await world.ImportSystemFrameworkAsync(Version2)).Id;
        await Upgrades(world, world.Ada, (s, c) => s.ApplyAsync(c, world.Acme, gemini, new ApplyProjectUpgradeRequest(to), Cancel));

        var result = await Upgrades(world, world.Ada, (s, c) => s.UpgradeDepartmentAsync(c, world.Acme, world.Engineering, new UpgradeDepartmentRequest(to), Cancel));

        Assert.Equal([apollo], result.Upgraded.Select(u => u.ProjectId));
        Assert.Equal(1, result.AlreadyCurrent);
        Assert.Equal(mercury, Assert.Single(result.Skipped).ProjectId);
        var details = await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, mercury, Cancel));
        Assert.Equal(world.SystemFrameworkId, details.Project.FrameworkVersionId);
    }

    [Fact]
    public void Upgrading_a_checklist_and_comparing_it_with_the_framework_again_finds_nothing()
    {
        Gen.Select(Generated, Generated, Gen.Bool).Sample((from, to, reset) =>
        {
            var project = Guid.NewGuid();
            var (created, _) = UpgradePlanner.Plan([], null, from, reset);
            var items = UpgradePlanner.Apply(created, Guid.Empty, project, DateTime.UnixEpoch);
            foreach (var (item, index) in items.Select((i, n) => (i, n)))
            {
                item.Status = (ChecklistItemStatus)(index % 4);
            }

            var (steps, _) = UpgradePlanner.Plan(items, from, to, reset);
            items.AddRange(UpgradePlanner.Apply(steps, Guid.Empty, project, DateTime.UnixEpoch));

            Assert.True(FrameworkDiffer.Compare(AsFramework(items, to), to).IsEmpty);
            Assert.Empty(UpgradePlanner.Plan(items, to, to, reset).Steps);
        }, seed: "0N0XIzNsQ0O2", iter: 300);
    }

    /// <summary>The project's live items as a framework, with what the checklist does not keep (descriptions, definitions) taken from <paramref name="like"/>.</summary>
    private static FrameworkDefinition AsFramework(IEnumerable<ChecklistItem> items, FrameworkDefinition like)
    {
        var definitions = like.AllItems.ToDictionary(i => i.Slug, i => i.DefinitionMarkdown);
        var descriptions = like.Categories.ToDictionary(c => c.Slug, c => (c.Description, Subcategories: c.Subcategories.ToDictionary(s => s.Slug, s => s.Description)));
        return new FrameworkDefinition(
            [.. items.Where(i => i.RetiredAt is null)
                .GroupBy(i => (i.CategorySlug, i.CategoryName, i.CategoryOrder))
                .Select(c => new FrameworkCategory(c.Key.CategorySlug, c.Key.CategoryName, c.Key.CategoryOrder, descriptions[c.Key.CategorySlug].Description,
                    [.. c.GroupBy(i => (i.SubcategorySlug, i.SubcategoryName, i.SubcategoryOrder))
                        .Select(s => new FrameworkSubcategory(s.Key.SubcategorySlug, s.Key.SubcategoryName, s.Key.SubcategoryOrder, descriptions[c.Key.CategorySlug].Subcategories[s.Key.SubcategorySlug],
                            [.. s.Select(i => new FrameworkItem(i.ItemSlug, i.Name, i.Order, i.Optional, definitions[i.ItemSlug], i.TemplateSlug))
                                .OrderBy(i => i.Order).ThenBy(i => i.Slug, StringComparer.Ordinal)]))
                        .OrderBy(s => s.Order).ThenBy(s => s.Slug, StringComparer.Ordinal)]))
                .OrderBy(c => c.Order).ThenBy(c => c.Slug, StringComparer.Ordinal)],
            like.Templates);
    }

    private static async Task<string> Export(ProjectWorld world, Guid project, ExportFormat format)
        => (await world.Core.InScopeAsync(sp => sp.GetRequiredService<ExportService>().ExportChecklistAsync(world.Ada, world.Acme, project, new ExportChecklistRequest(format), Cancel))).Content;

    private static Task<T> Upgrades<T>(ProjectWorld world, Caller caller, Func<ProjectUpgradeService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<ProjectUpgradeService>(), caller));

    private static List<(string, string, ChecklistItemStatus, long)> Shape(ProjectChecklist checklist)
        => [.. checklist.AllItems().Select(i => (i.ItemSlug, i.Name, i.Status, i.Version))];
}
