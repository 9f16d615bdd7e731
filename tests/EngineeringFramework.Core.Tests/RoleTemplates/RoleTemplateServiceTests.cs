using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.RoleTemplates;

public sealed class RoleTemplateServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<RoleTemplateSummary> CreateAsync(Team team, Caller caller, string name, params string[] permissions)
        => team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(caller, team.Acme, new(name, null, permissions), Cancel));

    private static Task<RoleTemplateSummary> UpdateAsync(Team team, Caller caller, Guid id, string name, params string[] permissions)
        => team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.UpdateAsync(caller, team.Acme, id, new(name, null, permissions), Cancel));

    private static Task<RoleTemplateSummary> AssignAsync(Team team, Caller caller, Guid id, Caller member)
        => team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.AssignAsync(caller, team.Acme, id, new(member.UserId), Cancel));

    private static async Task<List<string>> GrantedRelationsAsync(Team team, Guid roleId)
    {
        await using var db = team.AcmeDb();
        return await db.RelationshipTuples.Where(t => t.Object == Fga.Organization(team.Acme) && t.User == Fga.RoleAssignees(roleId))
            .OrderBy(t => t.Relation).Select(t => t.Relation).ToListAsync(Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Permission_set_is_stored_as_canonical_json_with_its_sha256(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);

        var created = await CreateAsync(team, team.Ada, "Leads", "update_checklists", "create_projects", "update_checklists");

        await using var db = team.AcmeDb();
        var stored = await db.RoleTemplates.SingleAsync(Cancel);
        Assert.Equal("""["create_projects","update_checklists"]""", stored.PermissionsJson);
        Assert.Equal("c2ebbf6627246c713159f50299c29053323155d3f3d658c083dc85e0bda82e30", stored.PermissionsHash);
        Assert.Equal(stored.PermissionsHash, created.PermissionsHash);
        Assert.Equal(["create_projects", "update_checklists"], created.Permissions);
    }

    [Fact]
    public async Task The_same_set_in_any_order_has_the_same_hash()
    {
        await using var team = await Team.CreateAsync();

        var one = await CreateAsync(team, team.Ada, "One", "delete_projects", "manage_members", "create_projects");
        var two = await CreateAsync(team, team.Ada, "Two", "create_projects", "manage_members", "delete_projects", "manage_members");
        var empty = await CreateAsync(team, team.Ada, "Nothing");

        Assert.Equal(one.PermissionsHash, two.PermissionsHash);
        Assert.Equal("4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945", empty.PermissionsHash); // SHA-256 of "[]"
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Assigned_template_grants_its_permissions_and_unassigning_revokes_them_on_the_next_request(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var org = Fga.Organization(team.Acme);
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");
        Assert.False(await team.CheckAsync(team.Ben, "can_create_project", org));

        var assigned = await AssignAsync(team, team.Ada, role.Id, team.Ben);
        Assert.True(await team.CheckAsync(team.Ben, "can_create_project", org));
        Assert.False(await team.CheckAsync(team.Ben, "can_delete_project", org));
        await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.UnassignAsync(team.Ada, team.Acme, role.Id, team.Ben.UserId, Cancel));

        Assert.Equal([team.Ben.UserId], assigned.AssigneeUserIds);
        Assert.False(await team.CheckAsync(team.Ben, "can_create_project", org));
        await using var db = team.AcmeDb();
        Assert.Equal(0, await db.RoleAssignments.CountAsync(Cancel));
        Assert.Equal(["can_create_project"], await GrantedRelationsAsync(team, role.Id));
        Assert.Equal(1, await db.RelationshipTuples.CountAsync(t => t.Object == Fga.Role(role.Id) && t.Relation == "organization" && t.User == org, Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Editing_permissions_writes_missing_and_deletes_removed_tuples_in_one_save(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var org = Fga.Organization(team.Acme);
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects", "update_checklists");
        await AssignAsync(team, team.Ada, role.Id, team.Ben);
        var before = await team.TupleChangeCountAsync();

        var updated = await UpdateAsync(team, team.Ada, role.Id, "Project leads", "delete_projects", "create_projects");

        Assert.Equal(before + 2, await team.TupleChangeCountAsync());
        Assert.Equal(["can_create_project", "can_delete_project"], await GrantedRelationsAsync(team, role.Id));
        Assert.Equal("Project leads", updated.Name);
        Assert.Equal(2, updated.Version);
        Assert.True(await team.CheckAsync(team.Ben, "can_delete_project", org));
        Assert.False(await team.CheckAsync(team.Ben, "can_update_checklist", org));
        Assert.True(await team.CheckAsync(team.Ben, "can_create_project", org));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_a_template_removes_its_assignments_and_every_tuple_about_the_role(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects", "manage_departments");
        await AssignAsync(team, team.Ada, role.Id, team.Ben);

        await team.Use<RoleTemplateService>(s => s.DeleteAsync(team.Ada, team.Acme, role.Id, Cancel));

        Assert.False(await team.CheckAsync(team.Ben, "can_create_project", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ben, "can_manage_departments", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        var roleName = Fga.Role(role.Id);
        Assert.Equal(0, await db.RelationshipTuples.CountAsync(t => t.Object == roleName || t.User.StartsWith(roleName), Cancel));
        Assert.Equal(0, await db.RoleTemplates.CountAsync(Cancel));
        Assert.Equal(0, await db.RoleAssignments.CountAsync(Cancel));
        Assert.True(await team.CheckAsync(team.Ben, "can_view", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Template_names_are_unique_per_organization_ignoring_case()
    {
        await using var team = await Team.CreateAsync();
        var leads = await CreateAsync(team, team.Ada, "Leads");
        var other = await CreateAsync(team, team.Ada, "Others");

        await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(team, team.Ada, "leads "));
        await Assert.ThrowsAsync<ConflictException>(() => UpdateAsync(team, team.Ada, other.Id, "LEADS"));
        var renamedToItself = await UpdateAsync(team, team.Ada, leads.Id, "leads");
        var elsewhere = await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(team.Eve, team.Evil, new("Leads", null, []), Cancel));

        Assert.Equal("leads", renamedToItself.Name);
        Assert.Equal("Leads", elsewhere.Name);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Unknown_permission_names_its_index_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var before = await team.TupleChangeCountAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => CreateAsync(team, team.Ada, "Pilots", "create_projects", "can_create_project"));

        Assert.Equal("Permissions[1]", Assert.Single(error.Errors).PropertyName);
        Assert.Equal(before, await team.TupleChangeCountAsync());
        await using var db = team.AcmeDb();
        Assert.Equal(0, await db.RoleTemplates.CountAsync(Cancel));
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("   ", "Name")]
    [InlineData("manage_roles", "Permissions[0]")]
    public async Task Invalid_update_names_the_field_and_changes_nothing(string nameOrPermission, string field)
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");
        var (name, permissions) = field == "Name" ? (nameOrPermission, new[] { "delete_projects" }) : ("Leads", new[] { nameOrPermission });

        var error = await Assert.ThrowsAsync<ValidationException>(() => UpdateAsync(team, team.Ada, role.Id, name, permissions));

        Assert.Equal(field, Assert.Single(error.Errors).PropertyName);
        Assert.Equal(["can_create_project"], await GrantedRelationsAsync(team, role.Id));
        await using var db = team.AcmeDb();
        // An anonymous type, not a tuple: PostgreSQL returns a tuple projection as a record Npgsql won't read.
        var stored = await db.RoleTemplates.Select(r => new { r.Name, r.Version }).SingleAsync(Cancel);
        Assert.Equal(("Leads", 1L), (stored.Name, stored.Version));
    }

    [Fact]
    public async Task Empty_user_id_in_an_assignment_names_the_field()
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");

        var error = await Assert.ThrowsAsync<ValidationException>(() => team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.AssignAsync(team.Ada, team.Acme, role.Id, new(Guid.Empty), Cancel)));

        Assert.Equal("UserId", Assert.Single(error.Errors).PropertyName);
        await using var db = team.AcmeDb();
        Assert.Equal(0, await db.RoleAssignments.CountAsync(Cancel));
    }

    [Fact]
    public async Task Only_members_can_be_assigned()
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");

        await Assert.ThrowsAsync<NotFoundException>(() => AssignAsync(team, team.Ada, role.Id, team.Eve));

        Assert.False(await team.CheckAsync(team.Eve, "can_create_project", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        Assert.Equal(0, await db.RoleAssignments.CountAsync(Cancel));
    }

    [Fact]
    public async Task Stale_expected_version_is_a_precondition_failure()
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");
        await UpdateAsync(team, team.Ada, role.Id, "Leads", "delete_projects");

        await Assert.ThrowsAsync<PreconditionFailedException>(() => team.Use<RoleTemplateService, RoleTemplateSummary>(
            s => s.UpdateAsync(team.Ada, team.Acme, role.Id, new("Leads", null, ["manage_members"], ExpectedVersion: 1), Cancel)));

        Assert.Equal(["can_delete_project"], await GrantedRelationsAsync(team, role.Id));
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_role_operation()
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");

        await team.Use<RoleTemplateService>(async s =>
        {
            await Assert.ThrowsAsync<NotFoundException>(() => s.ListAsync(team.Eve, team.Acme, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.GetAsync(team.Eve, team.Acme, role.Id, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.CreateAsync(team.Eve, team.Acme, new("Moles", null, []), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.UpdateAsync(team.Eve, team.Acme, role.Id, new("Mine", null, ["manage_members"]), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.AssignAsync(team.Eve, team.Acme, role.Id, new(team.Eve.UserId), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.UnassignAsync(team.Eve, team.Acme, role.Id, team.Ben.UserId, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.DeleteAsync(team.Eve, team.Acme, role.Id, Cancel));
        });
        // Through her own organization, Acme's template does not exist.
        await team.Use<RoleTemplateService>(async s =>
        {
            await Assert.ThrowsAsync<NotFoundException>(() => s.GetAsync(team.Eve, team.Evil, role.Id, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => s.DeleteAsync(team.Eve, team.Evil, role.Id, Cancel));
        });
        await team.Use<RoleTemplateDriftCheck>(s => Assert.ThrowsAsync<NotFoundException>(() => s.CheckAsync(team.Eve, team.Acme, Cancel)));

        await using var db = team.AcmeDb();
        // An anonymous type, not a tuple: PostgreSQL returns a tuple projection as a record Npgsql won't read.
        var stored = await db.RoleTemplates.Select(r => new { r.Name, r.Version }).SingleAsync(Cancel);
        Assert.Equal(("Leads", 1L), (stored.Name, stored.Version));
        Assert.Equal(["can_create_project"], await GrantedRelationsAsync(team, role.Id));
    }

    [Fact]
    public async Task Member_without_can_manage_roles_gets_forbidden_but_may_read()
    {
        await using var team = await Team.CreateAsync();
        var role = await CreateAsync(team, team.Ada, "Leads", "create_projects");

        var seen = await team.Use<RoleTemplateService, IReadOnlyList<RoleTemplateSummary>>(s => s.ListAsync(team.Ben, team.Acme, Cancel));
        await team.Use<RoleTemplateService>(async s =>
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => s.CreateAsync(team.Ben, team.Acme, new("Mine", null, ["manage_members"]), Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.UpdateAsync(team.Ben, team.Acme, role.Id, new("Leads", null, ["manage_members"]), Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.AssignAsync(team.Ben, team.Acme, role.Id, new(team.Ben.UserId), Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.UnassignAsync(team.Ben, team.Acme, role.Id, team.Ben.UserId, Cancel));
            await Assert.ThrowsAsync<ForbiddenException>(() => s.DeleteAsync(team.Ben, team.Acme, role.Id, Cancel));
        });
        await team.Use<RoleTemplateDriftCheck>(s => Assert.ThrowsAsync<ForbiddenException>(() => s.CheckAsync(team.Ben, team.Acme, Cancel)));

        Assert.Equal(["Leads"], seen.Select(r => r.Name));
        Assert.False(await team.CheckAsync(team.Ben, "can_create_project", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        Assert.Equal(1, await db.RoleTemplates.CountAsync(Cancel));
    }

    [Fact]
    public async Task Catalog_maps_each_permission_to_a_relation_of_the_model()
    {
        var relations = PermissionCatalog.All.Select(p => p.Relation).ToList();

        Assert.Equal(
            [
                "can_create_project", "can_delete_project", "can_manage_departments", "can_manage_members", "can_update_checklist", "can_update_project",
                "role_agents_done_alone", "role_agents_done_confirmed", "role_agents_in_progress_alone", "role_agents_in_progress_confirmed",
                "role_agents_not_applicable_alone", "role_agents_not_applicable_confirmed", "role_agents_not_started_alone", "role_agents_not_started_confirmed",
            ],
            relations.Order(StringComparer.Ordinal));
        var model = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "authorization", "model.fga"), Cancel);
        // Permissions admins hold anyway say so; the sign-off settings are the role's alone (an admin's agents follow the policy).
        Assert.All(relations, r => Assert.Contains(r.StartsWith("can_", StringComparison.Ordinal) ? $"define {r}: [role#active_assignee] or admin\n" : $"define {r}: [role#active_assignee]\n", model, StringComparison.Ordinal));
    }
}
