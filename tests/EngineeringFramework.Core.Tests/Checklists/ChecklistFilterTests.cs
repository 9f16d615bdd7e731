using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;

namespace EngineeringFramework.Core.Tests.Checklists;

public sealed class ChecklistFilterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Far from today, so a run that crosses midnight cannot move an item across the overdue line.
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly LastMonth = Today.AddDays(-30);
    private static readonly DateOnly NextMonth = Today.AddDays(30);

    private static IEnumerable<string> Slugs(ProjectChecklist checklist)
        => checklist.AllItems().Select(i => i.ItemSlug);

    /// <summary>
    /// A 12-item project: c1-s1-i1 done and overdue-dated, c1-s1-i2 in progress for Ben and due last month (overdue),
    /// c1-s2-i1 not started for Ben and due next month, c2-s1-i3 not applicable and due last month; the rest untouched.
    /// </summary>
    private static async Task<(ProjectWorld World, Guid Project)> WorkedProjectAsync(DatabaseProvider? provider = null)
    {
        var world = await ProjectWorld.CreateAsync(provider, ProjectWorld.Generated(2, 2, 3));
        var project = (await world.CreateProjectAsync()).Project.Id;
        await UpdateAsync(world, project, "c1-s1-i1", new(1, ChecklistItemStatus.Done, DueDate: LastMonth));
        await UpdateAsync(world, project, "c1-s1-i2", new(1, ChecklistItemStatus.InProgress, AssigneeUserId: world.Ben.UserId, DueDate: LastMonth));
        await UpdateAsync(world, project, "c1-s2-i1", new(1, ChecklistItemStatus.NotStarted, AssigneeUserId: world.Ben.UserId, DueDate: NextMonth));
        await UpdateAsync(world, project, "c2-s1-i3", new(1, ChecklistItemStatus.NotApplicable, NotApplicableReason: "Not ours.", DueDate: LastMonth));
        return (world, project);
    }

    private static async Task UpdateAsync(ProjectWorld world, Guid project, string slug, UpdateChecklistItemRequest request)
    {
        var item = await world.ItemAsync(project, slug);
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, item.Id, request, Cancel));
    }

    private static Task<ProjectChecklist> FilteredAsync(ProjectWorld world, Guid project, ChecklistFilter filter, Caller? caller = null)
        => world.Checklists(caller ?? world.Ben, (s, c) => s.GetAsync(c, world.Acme, project, filter, Cancel));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Checklist_filters_by_status_assignee_due_date_and_overdue_and_combine_with_and(DatabaseProvider provider)
    {
        var (world, project) = await WorkedProjectAsync(provider);
        await using var _ = world;

        var done = await FilteredAsync(world, project, new(Status: ChecklistItemStatus.Done));
        var bens = await FilteredAsync(world, project, new(AssigneeUserId: world.Ben.UserId));
        var dueBeforeToday = await FilteredAsync(world, project, new(DueBefore: Today));
        var overdue = await FilteredAsync(world, project, new(Overdue: true));
        var notOverdue = await FilteredAsync(world, project, new(Overdue: false));
        var bensOverdue = await FilteredAsync(world, project, new(AssigneeUserId: world.Ben.UserId, Overdue: true));
        var nobody = await FilteredAsync(world, project, new(Status: ChecklistItemStatus.Done, AssigneeUserId: world.Ben.UserId));

        Assert.Equal(["c1-s1-i1"], Slugs(done));
        Assert.Equal(["c1-s1-i2", "c1-s2-i1"], Slugs(bens));
        Assert.Equal(["c1-s1-i1", "c1-s1-i2", "c2-s1-i3"], Slugs(dueBeforeToday));
        Assert.Equal(["c1-s1-i2"], Slugs(overdue));
        Assert.Equal(11, Slugs(notOverdue).Count());
        Assert.DoesNotContain("c1-s1-i2", Slugs(notOverdue));
        Assert.Equal(["c1-s1-i2"], Slugs(bensOverdue));
        Assert.Empty(nobody.Categories);
        Assert.Equal("Apollo", nobody.ProjectName);
    }

    [Fact]
    public async Task A_filtered_checklist_keeps_framework_order_and_leaves_out_empty_groups()
    {
        var (world, project) = await WorkedProjectAsync();
        await using var _ = world;

        var dueBeforeToday = await FilteredAsync(world, project, new(DueBefore: Today));

        Assert.Equal(["c1", "c2"], dueBeforeToday.Categories.Select(c => c.Slug));
        Assert.Equal(["c1-s1"], dueBeforeToday.Categories[0].Subcategories.Select(s => s.Slug));
        Assert.Equal(["c2-s1"], dueBeforeToday.Categories[1].Subcategories.Select(s => s.Slug));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Item_list_pages_through_every_item_once_in_framework_order(DatabaseProvider provider)
    {
        var (world, project) = await WorkedProjectAsync(provider);
        await using var _ = world;
        var everything = Slugs(await world.ChecklistAsync(project)).ToList();

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(Limit: 5, Cursor: cursor), Cancel));
            Assert.True(page.Items.Count is > 0 and <= 5);
            seen.AddRange(page.Items.Select(i => i.Item.ItemSlug));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(12, everything.Count);
        Assert.Equal(everything, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Item_list_filters_and_names_each_items_category_and_subcategory()
    {
        var (world, project) = await WorkedProjectAsync();
        await using var _ = world;

        var page = await world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(new ChecklistFilter(AssigneeUserId: world.Ben.UserId), Limit: 1), Cancel));
        var next = await world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(new ChecklistFilter(AssigneeUserId: world.Ben.UserId), Limit: 1, Cursor: page.NextCursor), Cancel));

        var first = Assert.Single(page.Items);
        Assert.Equal(("c1", "Category 1", "c1-s1", "Subcategory 1.1", "c1-s1-i2"), (first.CategorySlug, first.CategoryName, first.SubcategorySlug, first.SubcategoryName, first.Item.ItemSlug));
        Assert.NotNull(page.NextCursor);
        Assert.Equal(["c1-s2-i1"], next.Items.Select(i => i.Item.ItemSlug));
        Assert.Null(next.NextCursor);
    }

    [Fact]
    public async Task Bad_filter_and_paging_input_is_refused_naming_the_field()
    {
        var (world, project) = await WorkedProjectAsync();
        await using var _ = world;

        var emptyAssignee = await Assert.ThrowsAsync<ValidationException>(() => FilteredAsync(world, project, new(AssigneeUserId: Guid.Empty)));
        var badStatus = await Assert.ThrowsAsync<ValidationException>(() => FilteredAsync(world, project, new(Status: (ChecklistItemStatus)42)));
        var zeroLimit = await Assert.ThrowsAsync<ValidationException>(() => world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(Limit: 0), Cancel)));
        var bigLimit = await Assert.ThrowsAsync<ValidationException>(() => world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(Limit: 101), Cancel)));
        var badCursor = await Assert.ThrowsAsync<ValidationException>(() => world.Checklists(world.Ben, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(Cursor: "not-a-cursor"), Cancel)));

        Assert.Equal("AssigneeUserId", Assert.Single(emptyAssignee.Errors).PropertyName);
        Assert.Equal("Status", Assert.Single(badStatus.Errors).PropertyName);
        Assert.Equal("Limit", Assert.Single(zeroLimit.Errors).PropertyName);
        Assert.Equal("Limit", Assert.Single(bigLimit.Errors).PropertyName);
        Assert.Equal("Cursor", Assert.Single(badCursor.Errors).PropertyName);
    }

    [Fact]
    public async Task Another_organizations_member_gets_not_found_for_the_filtered_checklist_and_the_item_list()
    {
        var (world, project) = await WorkedProjectAsync();
        await using var _ = world;

        await Assert.ThrowsAsync<NotFoundException>(() => world.Checklists(world.Eve, (s, c) => s.GetAsync(c, world.Acme, project, new ChecklistFilter(Overdue: true), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Checklists(world.Eve, (s, c) => s.ListItemsAsync(c, world.Acme, project, new(), Cancel)));
    }

    /// <summary>
    /// Ada may view the project, so the permission check passes; naming another organization in the call must
    /// still find nothing, because the compiled read carries the tenant filter (the second line of defence).
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_compiled_checklist_reads_apply_the_tenant_filter(DatabaseProvider provider)
    {
        var (world, project) = await WorkedProjectAsync(provider);
        await using var _ = world;

        await Assert.ThrowsAsync<NotFoundException>(() => world.Checklists(world.Ada, (s, c) => s.GetAsync(c, world.Evil, project, null, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Checklists(world.Ada, (s, c) => s.ListItemsAsync(c, world.Evil, project, new(), Cancel)));
        Assert.Equal(12, Slugs(await world.Checklists(world.Ada, (s, c) => s.GetAsync(c, world.Acme, project, null, Cancel))).Count());
    }
}
