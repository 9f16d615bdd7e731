using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Checklists;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Projects;

public sealed class ProjectServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Creating_a_project_copies_the_effective_framework_into_its_checklist_in_order(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);

        var created = await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new(world.Engineering, "Apollo", "To the moon", world.Ben.UserId, new DateOnly(2027, 7, 20)), Cancel));

        Assert.Equal(world.SystemFrameworkId, created.Project.FrameworkVersionId);
        Assert.Equal((3, 0, 0, 0), (created.Progress.Required, created.Progress.Done, created.Progress.NotApplicable, created.Progress.Percent));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var items = await db.ChecklistItems.Where(i => i.ProjectId == created.Project.Id).ToListAsync(Cancel);
        var ordered = items.OrderBy(i => i.CategoryOrder).ThenBy(i => i.SubcategoryOrder).ThenBy(i => i.Order).ToList();
        Assert.Equal(["roadmap", "backlog", "changelog", "unit-tests"], ordered.Select(i => i.ItemSlug));
        Assert.Equal(["delivery", "delivery", "delivery", "quality"], ordered.Select(i => i.CategorySlug));
        Assert.Equal(["Planning", "Planning", "Release", "Testing"], ordered.Select(i => i.SubcategoryName));
        Assert.Equal([false, true, false, false], ordered.Select(i => i.Optional));
        Assert.Equal(["roadmap-template", null, null, "test-plan"], ordered.Select(i => i.TemplateSlug));
        Assert.All(items, i => Assert.Equal((world.Acme, ChecklistItemStatus.NotStarted, 1L), (i.OrganizationId, i.Status, i.Version)));
        var tuples = await db.RelationshipTuples.Where(t => t.Object == Fga.Project(created.Project.Id)).Select(t => t.Relation + "@" + t.User).ToListAsync(Cancel);
        Assert.Equal(
            [$"department@{Fga.Department(world.Engineering)}", $"lead@{Fga.User(world.Ben.UserId)}", $"organization@{Fga.Organization(world.Acme)}"],
            tuples.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_later_framework_import_does_not_change_existing_projects(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var before = await world.CreateProjectAsync("Before");
        var changed = FrameworkFixture.Valid();
        changed.Item(0, 0, 0).Set("name", "\"Renamed roadmap\"");
        changed.Subcategory(0, 1).List("items").Add(FrameworkFixture.Node("Release notes", "release-notes", "2"));
        var newVersion = await world.ImportSystemFrameworkAsync(changed.ParseValid());

        var after = await world.CreateProjectAsync("After");

        var old = await world.ChecklistAsync(before.Project.Id);
        var fresh = await world.ChecklistAsync(after.Project.Id);
        Assert.Equal(world.SystemFrameworkId, old.FrameworkVersionId);
        Assert.Equal(newVersion.Id, fresh.FrameworkVersionId);
        Assert.Equal(["Roadmap", "Backlog", "Changelog", "Unit tests"], Names(old));
        Assert.Equal(["Renamed roadmap", "Backlog", "Changelog", "Release notes", "Unit tests"], Names(fresh));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Progress_counts_done_and_not_applicable_against_required_items_per_category_and_overall(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "roadmap"), ChecklistItemStatus.Done);
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "backlog"), ChecklistItemStatus.Done);
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "changelog"), ChecklistItemStatus.InProgress);
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "unit-tests"), ChecklistItemStatus.NotApplicable, reason: "No code");

        var details = await world.Projects(world.Ben, (p, c) => p.GetAsync(c, world.Acme, project, Cancel));

        // Backlog is optional: done, but not counted. Required: roadmap, changelog (delivery), unit-tests (quality).
        Assert.Equal(new Progress(1, 1, 3, 66), details.Progress);
        Assert.Equal(["delivery", "quality"], details.Categories.Select(c => c.Slug));
        Assert.Equal(new Progress(1, 0, 2, 50), details.Categories[0].Progress);
        Assert.Equal(new Progress(0, 1, 1, 100), details.Categories[1].Progress);
    }

    [Fact]
    public void Percent_is_rounded_down_and_full_when_nothing_is_required()
    {
        Assert.Equal(100, Progress.Of(0, 0, 0).Percent);
        Assert.Equal(99, Progress.Of(199, 0, 200).Percent);
        Assert.Equal(100, Progress.Of(150, 50, 200).Percent);
    }

    [Fact]
    public async Task The_lead_must_be_a_member_of_the_organization_and_nothing_is_written_otherwise()
    {
        await using var world = await ProjectWorld.CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.CreateProjectAsync(lead: world.Eve.UserId));

        Assert.Equal("LeadUserId", Assert.Single(error.Errors).PropertyName);
        await AssertNoProjectWrittenAsync(world);
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("   ", "Name")]
    [InlineData("long-name", "Name")]
    [InlineData("long-description", "Description")]
    [InlineData("empty-department", "DepartmentId")]
    public async Task Invalid_project_input_names_the_field_and_writes_nothing(string input, string field)
    {
        await using var world = await ProjectWorld.CreateAsync();
        var request = input switch
        {
            "long-name" => new CreateProjectRequest(world.Engineering, new string('n', 201)),
            "long-description" => new CreateProjectRequest(world.Engineering, "Apollo", new string('d', 4001)),
            "empty-department" => new CreateProjectRequest(Guid.Empty, "Apollo"),
            _ => new CreateProjectRequest(world.Engineering, input),
        };

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, request, Cancel)));

        Assert.Equal(field, Assert.Single(error.Errors).PropertyName);
        await AssertNoProjectWrittenAsync(world);
    }

    [Fact]
    public async Task Invalid_update_names_the_field_and_changes_nothing()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project;

        var blank = await Assert.ThrowsAsync<ValidationException>(() => world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project.Id, new(" "), Cancel)));
        var outsider = await Assert.ThrowsAsync<ValidationException>(() => world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project.Id, new("Apollo 2", LeadUserId: world.Eve.UserId), Cancel)));
        var status = await Assert.ThrowsAsync<ValidationException>(() => world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project.Id, new("Apollo 2", Status: (ProjectStatus)42), Cancel)));

        Assert.Equal("Name", Assert.Single(blank.Errors).PropertyName);
        Assert.Equal("LeadUserId", Assert.Single(outsider.Errors).PropertyName);
        Assert.Equal("Status", Assert.Single(status.Errors).PropertyName);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var stored = await db.Projects.SingleAsync(Cancel);
        Assert.Equal(("Apollo", null), (stored.Name, stored.LeadUserId));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Relation == "lead", Cancel));
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_operation()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;
        var (eve, acme) = (world.Eve, world.Acme);

        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(eve, (p, c) => p.CreateAsync(c, acme, new(world.Engineering, "Mine"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(eve, (p, c) => p.ListAsync(c, acme, new(), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(eve, (p, c) => p.GetAsync(c, acme, project, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(eve, (p, c) => p.GetAsync(c, world.Evil, project, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(eve, (p, c) => p.UpdateAsync(c, acme, project, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects<object?>(eve, async (p, c) => { await p.DeleteAsync(c, acme, project, Cancel); return null; }));

        await using var db = world.Core.Database.CreateContext(acme);
        Assert.Equal(["Apollo"], await db.Projects.Select(p => p.Name).ToListAsync(Cancel));
    }

    [Fact]
    public async Task A_plain_member_may_view_projects_but_not_create_update_or_delete_them()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;
        var (ben, acme) = (world.Ben, world.Acme);

        Assert.Equal("Apollo", (await world.Projects(ben, (p, c) => p.GetAsync(c, acme, project, Cancel))).Project.Name);
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects(ben, (p, c) => p.CreateAsync(c, acme, new(world.Engineering, "Mine"), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects(ben, (p, c) => p.UpdateAsync(c, acme, project, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects<object?>(ben, async (p, c) => { await p.DeleteAsync(c, acme, project, Cancel); return null; }));

        await using var db = world.Core.Database.CreateContext(acme);
        Assert.Equal(["Apollo"], await db.Projects.Select(p => p.Name).ToListAsync(Cancel));
    }

    [Fact]
    public async Task The_lead_may_update_the_project_but_not_delete_it_and_loses_that_when_replaced()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync(lead: world.Ben.UserId)).Project.Id;

        var updated = await world.Projects(world.Ben, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Apollo 11", "Landing", world.Ben.UserId, new DateOnly(1969, 7, 20), ProjectStatus.Completed), Cancel));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects<object?>(world.Ben, async (p, c) => { await p.DeleteAsync(c, world.Acme, project, Cancel); return null; }));
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Apollo 11", LeadUserId: world.Ada.UserId), Cancel));

        Assert.Equal(("Apollo 11", "Landing", ProjectStatus.Completed, new DateOnly(1969, 7, 20)), (updated.Project.Name, updated.Project.Description, updated.Project.Status, updated.Project.TargetDate));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects(world.Ben, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Ben's"), Cancel)));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal([Fga.User(world.Ada.UserId)], await db.RelationshipTuples.Where(t => t.Object == Fga.Project(project) && t.Relation == "lead").Select(t => t.User).ToListAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_filters_by_department_status_and_lead_and_pages_by_name_then_id(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var platform = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Platform"), Cancel))).Id;
        await world.CreateProjectAsync("Gemini");
        await world.CreateProjectAsync("Apollo", lead: world.Ben.UserId);
        await world.CreateProjectAsync("Apollo");
        var mercury = (await world.CreateProjectAsync("Mercury", platform, world.Ben.UserId)).Project.Id;
        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, mercury, new("Mercury", LeadUserId: world.Ben.UserId, Status: ProjectStatus.Completed), Cancel));

        var all = new List<ProjectListItem>();
        string? cursor = null;
        do
        {
            var page = await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new(Limit: 3, Cursor: cursor), Cancel));
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        var inEngineering = await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new(DepartmentId: world.Engineering), Cancel));
        var completed = await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new(Status: ProjectStatus.Completed), Cancel));
        var bensActive = await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new(Status: ProjectStatus.Active, LeadUserId: world.Ben.UserId), Cancel));

        Assert.Equal(["Apollo", "Apollo", "Gemini", "Mercury"], all.Select(p => p.Name));
        Assert.True(string.CompareOrdinal(all[0].Id.ToString(), all[1].Id.ToString()) < 0, "equal names are ordered by id");
        Assert.Equal(["Apollo", "Apollo", "Gemini"], inEngineering.Items.Select(p => p.Name));
        Assert.Equal([mercury], completed.Items.Select(p => p.Id));
        Assert.Equal(["Apollo"], bensActive.Items.Select(p => p.Name));
        Assert.Null(bensActive.NextCursor);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Archiving_makes_the_checklist_read_only_and_unarchiving_restores_it(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;

        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Apollo", Status: ProjectStatus.Archived), Cancel));
        var item = await world.ItemAsync(project, "roadmap");
        await Assert.ThrowsAsync<ForbiddenException>(() => world.UpdateItemAsync(project, item, ChecklistItemStatus.Done));
        await using (var db = world.Core.Database.CreateContext(world.Acme))
        {
            Assert.True(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Project(project) && t.Relation == "archived" && t.User == "user:*", Cancel));
        }

        await world.Projects(world.Ada, (p, c) => p.UpdateAsync(c, world.Acme, project, new("Apollo", Status: ProjectStatus.Active), Cancel));
        var done = await world.UpdateItemAsync(project, item, ChecklistItemStatus.Done);

        Assert.Equal(ChecklistItemStatus.Done, done.Status);
        await using var after = world.Core.Database.CreateContext(world.Acme);
        Assert.False(await after.RelationshipTuples.AnyAsync(t => t.Relation == "archived", Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Moving_a_project_keeps_its_checklist_and_history_and_replaces_its_department_tuple(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var platform = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Platform"), Cancel))).Id;
        var project = (await world.CreateProjectAsync()).Project.Id;
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "roadmap"), ChecklistItemStatus.Done);

        var moved = await world.Projects(world.Ada, (p, c) => p.MoveAsync(c, world.Acme, project, new(platform), Cancel));

        Assert.Equal(platform, moved.Project.DepartmentId);
        Assert.Equal(1, moved.Progress.Done);
        var inPlatform = await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new(DepartmentId: platform), Cancel));
        Assert.Equal([project], inPlatform.Items.Select(p => p.Id));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(1, await db.ActivityEntries.CountAsync(a => a.ProjectId == project, Cancel));
        Assert.Equal(
            [Fga.Department(platform)],
            await db.RelationshipTuples.Where(t => t.Object == Fga.Project(project) && t.Relation == "department").Select(t => t.User).ToListAsync(Cancel));
    }

    [Fact]
    public async Task Moving_needs_update_on_the_project_and_create_in_the_target_and_a_department_of_the_same_organization()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var platform = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Platform"), Cancel))).Id;
        var elsewhere = (await world.Departments(world.Eve, (d, c) => d.CreateAsync(c, world.Evil, new("Elsewhere"), Cancel))).Id;
        var project = (await world.CreateProjectAsync(lead: world.Ben.UserId)).Project.Id;

        // Ben leads the project (so may update it) but may not create projects in Platform.
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Projects(world.Ben, (p, c) => p.MoveAsync(c, world.Acme, project, new(platform), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(world.Eve, (p, c) => p.MoveAsync(c, world.Acme, project, new(platform), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(world.Ada, (p, c) => p.MoveAsync(c, world.Acme, project, new(elsewhere), Cancel)));
        var invalid = await Assert.ThrowsAsync<ValidationException>(() => world.Projects(world.Ada, (p, c) => p.MoveAsync(c, world.Acme, project, new(Guid.Empty), Cancel)));

        Assert.Equal("DepartmentId", Assert.Single(invalid.Errors).PropertyName);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(world.Engineering, (await db.Projects.SingleAsync(Cancel)).DepartmentId);
        Assert.Equal(
            [Fga.Department(world.Engineering)],
            await db.RelationshipTuples.Where(t => t.Object == Fga.Project(project) && t.Relation == "department").Select(t => t.User).ToListAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Delete_removes_the_project_its_checklist_history_and_tuples(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync(lead: world.Ben.UserId)).Project.Id;
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "roadmap"), ChecklistItemStatus.Done);

        await world.Projects<object?>(world.Ada, async (p, c) => { await p.DeleteAsync(c, world.Acme, project, Cancel); return null; });

        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, project, Cancel)));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(0, await db.Projects.CountAsync(Cancel));
        Assert.Equal(0, await db.ChecklistItems.CountAsync(Cancel));
        Assert.Equal(0, await db.ActivityEntries.CountAsync(Cancel));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Project(project), Cancel));
        Assert.Equal(3, await db.TupleChanges.CountAsync(t => t.Operation == TupleOperation.Delete && t.Object == Fga.Project(project), Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_gives_each_project_its_progress_with_the_same_number_of_queries_for_one_or_many(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var apollo = (await world.CreateProjectAsync("Apollo")).Project.Id;
        await world.UpdateItemAsync(apollo, await world.ItemAsync(apollo, "roadmap"), ChecklistItemStatus.Done);
        await world.UpdateItemAsync(apollo, await world.ItemAsync(apollo, "backlog"), ChecklistItemStatus.Done);
        await world.UpdateItemAsync(apollo, await world.ItemAsync(apollo, "unit-tests"), ChecklistItemStatus.NotApplicable, reason: "No code");

        var (one, oneQueries) = await CountedListAsync(world);
        foreach (var name in new[] { "Gemini", "Mercury", "Skylab", "Vostok" })
        {
            await world.CreateProjectAsync(name);
        }

        var (five, fiveQueries) = await CountedListAsync(world);

        // Backlog is optional: done, but not counted. Required: roadmap, changelog, unit-tests.
        Assert.Equal(new Progress(1, 1, 3, 66), Assert.Single(one.Items).Progress);
        Assert.Equal(5, five.Items.Count);
        Assert.Equal(new Progress(1, 1, 3, 66), five.Items.Single(p => p.Id == apollo).Progress);
        Assert.All(five.Items.Where(p => p.Id != apollo), p => Assert.Equal(new Progress(0, 0, 3, 0), p.Progress));
        Assert.True(oneQueries >= 2, $"{oneQueries} queries: the list and its progress are read, so a counter that saw fewer missed something.");
        Assert.True(oneQueries == fiveQueries, $"One project: {oneQueries} queries; five: {fiveQueries}.");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Patch_changes_only_the_fields_present_and_null_clears_a_nullable_field(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new(world.Engineering, "Apollo", "To the moon", world.Ben.UserId, new DateOnly(2027, 7, 20)), Cancel))).Project.Id;
        await world.Projects(world.Ada, (p, c) => p.PatchAsync(c, world.Acme, project, new PatchProjectRequest { Status = ProjectStatus.Archived }, Cancel));

        var renamed = await world.Projects(world.Ada, (p, c) => p.PatchAsync(c, world.Acme, project, new PatchProjectRequest { Name = "Apollo 11" }, Cancel));
        var cleared = await world.Projects(world.Ada, (p, c) => p.PatchAsync(c, world.Acme, project, new PatchProjectRequest { Description = null, LeadUserId = null, TargetDate = null }, Cancel));

        Assert.Equal(("Apollo 11", "To the moon", (Guid?)world.Ben.UserId, (DateOnly?)new DateOnly(2027, 7, 20), ProjectStatus.Archived),
            (renamed.Project.Name, renamed.Project.Description, renamed.Project.LeadUserId, renamed.Project.TargetDate, renamed.Project.Status));
        Assert.Equal(("Apollo 11", (string?)null, (Guid?)null, (DateOnly?)null, ProjectStatus.Archived),
            (cleared.Project.Name, cleared.Project.Description, cleared.Project.LeadUserId, cleared.Project.TargetDate, cleared.Project.Status));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.True(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Project(project) && t.Relation == "archived", Cancel));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Project(project) && t.Relation == "lead", Cancel));
    }

    [Fact]
    public async Task Invalid_patch_names_the_field_and_changes_nothing_and_permissions_are_those_of_update()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;
        Task<ProjectDetails> Patch(Caller caller, Guid organization, PatchProjectRequest request)
            => world.Projects(caller, (p, c) => p.PatchAsync(c, organization, project, request, Cancel));

        var nullName = await Assert.ThrowsAsync<ValidationException>(() => Patch(world.Ada, world.Acme, new() { Name = Optional<string>.Of(null!) }));
        var blank = await Assert.ThrowsAsync<ValidationException>(() => Patch(world.Ada, world.Acme, new() { Name = " " }));
        var status = await Assert.ThrowsAsync<ValidationException>(() => Patch(world.Ada, world.Acme, new() { Status = (ProjectStatus)42 }));
        var outsider = await Assert.ThrowsAsync<ValidationException>(() => Patch(world.Ada, world.Acme, new() { LeadUserId = world.Eve.UserId }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Patch(world.Ben, world.Acme, new() { Name = "Mine" }));
        await Assert.ThrowsAsync<NotFoundException>(() => Patch(world.Eve, world.Acme, new() { Name = "Mine" }));
        await Assert.ThrowsAsync<NotFoundException>(() => Patch(world.Eve, world.Evil, new() { Name = "Mine" }));

        Assert.Equal("Name", Assert.Single(nullName.Errors).PropertyName);
        Assert.Equal("Name", Assert.Single(blank.Errors).PropertyName);
        Assert.Equal("Status", Assert.Single(status.Errors).PropertyName);
        Assert.Equal("LeadUserId", Assert.Single(outsider.Errors).PropertyName);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        var stored = await db.Projects.SingleAsync(Cancel);
        Assert.Equal(("Apollo", ProjectStatus.Active, (Guid?)null), (stored.Name, stored.Status, stored.LeadUserId));
    }

    /// <summary>Lists Acme's projects through a context that counts the SQL it sends.</summary>
    private static async Task<(ProjectPage Page, int Queries)> CountedListAsync(ProjectWorld world)
    {
        // Brings the shared engine up to date with the projects just created, so only the list itself is counted.
        await world.Projects(world.Ben, (p, c) => p.ListAsync(c, world.Acme, new ListProjectsRequest(), Cancel));
        var counter = new CommandCounter();
        var page = await world.Core.InScopeAsync(async sp =>
        {
            // The shared engine is already loaded (earlier requests checked permissions), as in a running server.
            var tenant = new TenantContext();
            await using var db = counter.CreateContext(world.Core.Database, tenant);
            var service = new ProjectService(db, tenant, new Authorizer(db, sp.GetRequiredService<IRelationshipEngineSource>()), new RelationshipWriter(db, TimeProvider.System), TimeProvider.System);
            return await service.ListAsync(world.Ben, world.Acme, new ListProjectsRequest(), Cancel);
        });
        return (page, counter.Count);
    }

    private static async Task AssertNoProjectWrittenAsync(ProjectWorld world)
    {
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(0, await db.Projects.CountAsync(Cancel));
        Assert.Equal(0, await db.ChecklistItems.CountAsync(Cancel));
        Assert.False(await db.TupleChanges.AnyAsync(t => t.Object.StartsWith("project:"), Cancel));
    }

    private static List<string> Names(ProjectChecklist checklist)
        => [.. checklist.AllItems().Select(i => i.Name)];
}
