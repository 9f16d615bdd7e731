using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.Departments;

public sealed class DepartmentServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Admin_creates_a_department_with_its_organization_tuple_in_the_same_save(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);

        var created = await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("  Platform  ", "Runs the platform"), Cancel));
        var fetched = await world.Departments(world.Ben, (d, c) => d.GetAsync(c, world.Acme, created.Id, Cancel));

        Assert.Equal("Platform", fetched.Name);
        Assert.Equal("Runs the platform", fetched.Description);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.True(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Department(created.Id) && t.Relation == "organization" && t.User == Fga.Organization(world.Acme), Cancel));
        Assert.True(await db.TupleChanges.AnyAsync(t => t.Object == Fga.Department(created.Id), Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_is_sorted_by_name_then_id_and_pages_with_an_opaque_cursor(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        foreach (var name in new[] { "Zeta", "Alpha", "Mobile", "Alpha", "Data" })
        {
            await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new(name), Cancel));
        }

        var seen = new List<DepartmentSummary>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await world.Departments(world.Ben, (d, c) => d.ListAsync(c, world.Acme, new(Limit: 2, Cursor: cursor), Cancel));
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["Alpha", "Alpha", "Data", "Engineering", "Mobile", "Zeta"], seen.Select(d => d.Name));
        var alphas = seen.Where(d => d.Name == "Alpha").Select(d => d.Id).ToList();
        Assert.Equal(alphas.Order(), alphas);
        Assert.Equal(seen.Count, seen.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_operation()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var (eve, acme, engineering) = (world.Eve, world.Acme, world.Engineering);

        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(eve, (d, c) => d.CreateAsync(c, acme, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(eve, (d, c) => d.ListAsync(c, acme, new(), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(eve, (d, c) => d.GetAsync(c, acme, engineering, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(eve, (d, c) => d.UpdateAsync(c, acme, engineering, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments<object?>(eve, async (d, c) => { await d.DeleteAsync(c, acme, engineering, new(), Cancel); return null; }));
        // Naming her own organization in the route does not reach Acme's department either.
        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(eve, (d, c) => d.GetAsync(c, world.Evil, engineering, Cancel)));

        await using var db = world.Core.Database.CreateContext(acme);
        Assert.Equal("Engineering", (await db.Departments.SingleAsync(Cancel)).Name);
    }

    [Fact]
    public async Task A_plain_member_may_view_departments_but_not_create_change_or_delete_them()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var (ben, acme, engineering) = (world.Ben, world.Acme, world.Engineering);

        Assert.Single((await world.Departments(ben, (d, c) => d.ListAsync(c, acme, new(), Cancel))).Items);
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Departments(ben, (d, c) => d.CreateAsync(c, acme, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Departments(ben, (d, c) => d.UpdateAsync(c, acme, engineering, new("Mine"), Cancel)));
        await Assert.ThrowsAsync<ForbiddenException>(() => world.Departments<object?>(ben, async (d, c) => { await d.DeleteAsync(c, acme, engineering, new(), Cancel); return null; }));

        await using var db = world.Core.Database.CreateContext(acme);
        Assert.Equal("Engineering", (await db.Departments.SingleAsync(Cancel)).Name);
    }

    [Theory]
    [InlineData("", null, "Name")]
    [InlineData("   ", null, "Name")]
    [InlineData("x", "too long", "Description")]
    [InlineData("too long", null, "Name")]
    [InlineData("R\0D", null, "Name")]
    [InlineData("R&D", "half-a-surrogate-pair", "Description")]
    public async Task Invalid_department_input_names_the_field_and_writes_nothing(string name, string? description, string field)
    {
        await using var world = await ProjectWorld.CreateAsync();
        var request = new CreateDepartmentRequest(name == "too long" ? new string('n', 201) : name, description switch
        {
            "too long" => new string('d', 4001),
            "half-a-surrogate-pair" => "broken \ud83d",
            _ => description,
        });

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, request, Cancel)));
        var rename = await Assert.ThrowsAsync<ValidationException>(() => world.Departments(world.Ada, (d, c) => d.UpdateAsync(c, world.Acme, world.Engineering, new(request.Name, request.Description), Cancel)));

        Assert.Contains(error.Errors, e => e.PropertyName == field);
        Assert.Contains(rename.Errors, e => e.PropertyName == field);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(["Engineering"], await db.Departments.Select(d => d.Name).ToListAsync(Cancel));
    }

    [Theory]
    [InlineData(0, null, "Limit")]
    [InlineData(101, null, "Limit")]
    [InlineData(10, "not-a-cursor", "Cursor")]
    public async Task Invalid_list_request_names_the_field(int limit, string? cursor, string field)
    {
        await using var world = await ProjectWorld.CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Departments(world.Ada, (d, c) => d.ListAsync(c, world.Acme, new(limit, cursor), Cancel)));

        Assert.Equal(field, Assert.Single(error.Errors).PropertyName);
    }

    [Fact]
    public async Task Admin_renames_and_describes_a_department()
    {
        await using var world = await ProjectWorld.CreateAsync();

        var updated = await world.Departments(world.Ada, (d, c) => d.UpdateAsync(c, world.Acme, world.Engineering, new("R&D", "Research"), Cancel));
        var cleared = await world.Departments(world.Ada, (d, c) => d.UpdateAsync(c, world.Acme, world.Engineering, new("R&D"), Cancel));

        Assert.Equal(("R&D", "Research"), (updated.Name, updated.Description));
        Assert.Null(cleared.Description);
    }

    [Fact]
    public async Task Delete_refuses_by_default_while_the_department_has_projects()
    {
        await using var world = await ProjectWorld.CreateAsync();
        await world.CreateProjectAsync();

        await Assert.ThrowsAsync<ConflictException>(() => world.Departments<object?>(world.Ada, async (d, c) => { await d.DeleteAsync(c, world.Acme, world.Engineering, new(), Cancel); return null; }));

        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(1, await db.Departments.CountAsync(Cancel));
        Assert.Equal(1, await db.Projects.CountAsync(Cancel));
        Assert.True(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Department(world.Engineering), Cancel));
    }

    [Fact]
    public async Task Delete_of_an_empty_department_removes_it_and_its_tuples()
    {
        await using var world = await ProjectWorld.CreateAsync();

        await world.Departments<object?>(world.Ada, async (d, c) => { await d.DeleteAsync(c, world.Acme, world.Engineering, new(), Cancel); return null; });

        await Assert.ThrowsAsync<NotFoundException>(() => world.Departments(world.Ada, (d, c) => d.GetAsync(c, world.Acme, world.Engineering, Cancel)));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(0, await db.Departments.CountAsync(Cancel));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Department(world.Engineering), Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Delete_can_move_the_projects_to_another_department_of_the_organization(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var target = await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Platform"), Cancel));
        var apollo = await world.CreateProjectAsync("Apollo");
        var gemini = await world.CreateProjectAsync("Gemini");

        await world.Departments<object?>(world.Ada, async (d, c) =>
        {
            await d.DeleteAsync(c, world.Acme, world.Engineering, new(ProjectsOnDelete.MoveTo, target.Id), Cancel);
            return null;
        });

        var moved = await world.Projects(world.Ada, (p, c) => p.ListAsync(c, world.Acme, new(DepartmentId: target.Id), Cancel));
        Assert.Equal([apollo.Project.Id, gemini.Project.Id], moved.Items.Select(p => p.Id));
        Assert.Equal(2, (await world.Departments(world.Ada, (d, c) => d.GetAsync(c, world.Acme, target.Id, Cancel))).ProjectCount);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(["Platform"], await db.Departments.Select(d => d.Name).ToListAsync(Cancel));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Department(world.Engineering) || t.User == Fga.Department(world.Engineering), Cancel));
        Assert.Equal(2, await db.RelationshipTuples.CountAsync(t => t.Relation == "department" && t.User == Fga.Department(target.Id), Cancel));
        Assert.Equal(8, await db.ChecklistItems.CountAsync(Cancel));
    }

    [Fact]
    public async Task Delete_refuses_to_move_projects_into_a_department_of_another_organization()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var foreign = await world.Departments(world.Eve, (d, c) => d.CreateAsync(c, world.Evil, new("Evil R&D"), Cancel));
        await world.CreateProjectAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Departments<object?>(world.Ada, async (d, c) =>
        {
            await d.DeleteAsync(c, world.Acme, world.Engineering, new(ProjectsOnDelete.MoveTo, foreign.Id), Cancel);
            return null;
        }));

        Assert.Equal("MoveToDepartmentId", Assert.Single(error.Errors).PropertyName);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(world.Engineering, (await db.Projects.SingleAsync(Cancel)).DepartmentId);
        Assert.Equal(1, await db.Departments.CountAsync(Cancel));
    }

    [Theory]
    [InlineData(ProjectsOnDelete.MoveTo, false)]
    [InlineData(ProjectsOnDelete.Refuse, true)]
    [InlineData(ProjectsOnDelete.DeleteProjects, true)]
    public async Task Delete_needs_a_target_exactly_when_moving(ProjectsOnDelete choice, bool withTarget)
    {
        await using var world = await ProjectWorld.CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => world.Departments<object?>(world.Ada, async (d, c) =>
        {
            await d.DeleteAsync(c, world.Acme, world.Engineering, new(choice, withTarget ? Guid.CreateVersion7() : null), Cancel);
            return null;
        }));

        Assert.Equal("MoveToDepartmentId", Assert.Single(error.Errors).PropertyName);
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(1, await db.Departments.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Delete_can_delete_the_projects_with_their_checklists_and_tuples(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var apollo = await world.CreateProjectAsync("Apollo", lead: world.Ben.UserId);
        var item = await world.ItemAsync(apollo.Project.Id, "roadmap");
        await world.UpdateItemAsync(apollo.Project.Id, item, Core.Checklists.ChecklistItemStatus.Done);

        await world.Departments<object?>(world.Ada, async (d, c) =>
        {
            await d.DeleteAsync(c, world.Acme, world.Engineering, new(ProjectsOnDelete.DeleteProjects), Cancel);
            return null;
        });

        await Assert.ThrowsAsync<NotFoundException>(() => world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, apollo.Project.Id, Cancel)));
        await using var db = world.Core.Database.CreateContext(world.Acme);
        Assert.Equal(0, await db.Departments.CountAsync(Cancel));
        Assert.Equal(0, await db.Projects.CountAsync(Cancel));
        Assert.Equal(0, await db.ChecklistItems.CountAsync(Cancel));
        Assert.Equal(0, await db.ActivityEntries.CountAsync(Cancel));
        Assert.False(await db.RelationshipTuples.AnyAsync(t => t.Object == Fga.Project(apollo.Project.Id) || t.Object == Fga.Department(world.Engineering), Cancel));
        // Every removed tuple is recorded once in the outbox, no more.
        var deletes = await db.TupleChanges.Where(t => t.Operation == TupleOperation.Delete).Select(t => new { t.Object, t.Relation, t.User }).ToListAsync(Cancel);
        Assert.Equal(deletes.Count, deletes.Distinct().Count());
        Assert.Equal(4, deletes.Count);
    }
}
