using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.Members;

public sealed class MemberServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<MemberPage> ListAsync(Team team, Caller caller, int limit = 50, string? cursor = null)
        => team.Use<MemberService, MemberPage>(s => s.ListAsync(caller, team.Acme, new(limit, cursor), Cancel));

    private static Task<MemberSummary> ChangeRoleAsync(Team team, Caller caller, Caller member, MembershipRole role)
        => team.Use<MemberService, MemberSummary>(s => s.ChangeRoleAsync(caller, team.Acme, member.UserId, new(role), Cancel));

    private static Task RemoveAsync(Team team, Caller caller, Caller member)
        => team.Use<MemberService>(s => s.RemoveAsync(caller, team.Acme, member.UserId, Cancel));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Members_are_listed_by_display_name_then_id_in_cursor_pages(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        foreach (var name in new[] { "zoe", "sam", "carl", "sam" })
        {
            await team.Core.AddMemberAsync(team.Acme, await team.Core.CreateUserAsync(name));
        }

        var pages = new List<MemberPage> { await ListAsync(team, team.Ben, limit: 2) };
        while (pages[^1].NextCursor is { } cursor)
        {
            pages.Add(await ListAsync(team, team.Ben, limit: 2, cursor));
        }

        var all = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal([2, 2, 2], pages.Select(p => p.Items.Count));
        Assert.Equal(["ada", "ben", "carl", "sam", "sam", "zoe"], all.Select(m => m.DisplayName));
        Assert.True(string.CompareOrdinal(all[3].UserId.ToString(), all[4].UserId.ToString()) < 0, "ties are broken by user id");
        Assert.Equal(all.Count, all.Select(m => m.UserId).Distinct().Count());
        Assert.Equal(MembershipRole.Admin, all[0].Role);
        Assert.Equal("ben@example.com", all[1].Email);
        Assert.DoesNotContain(all, m => m.UserId == team.Eve.UserId);
    }

    [Theory]
    [InlineData(0, null, "Limit")]
    [InlineData(201, null, "Limit")]
    [InlineData(10, "not a cursor", "Cursor")]
    public async Task Bad_paging_input_names_the_field(int limit, string? cursor, string field)
    {
        await using var team = await Team.CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => ListAsync(team, team.Ada, limit, cursor));

        Assert.Equal(field, Assert.Single(error.Errors).PropertyName);
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_member_operation()
    {
        await using var team = await Team.CreateAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => ListAsync(team, team.Eve));
        await Assert.ThrowsAsync<NotFoundException>(() => ChangeRoleAsync(team, team.Eve, team.Ben, MembershipRole.Admin));
        await Assert.ThrowsAsync<NotFoundException>(() => RemoveAsync(team, team.Eve, team.Ben));
        // Acting through her own organization does not reach Acme's members either.
        await Assert.ThrowsAsync<NotFoundException>(() => team.Use<MemberService>(s => s.RemoveAsync(team.Eve, team.Evil, team.Ben.UserId, Cancel)));

        Assert.True(await team.CheckAsync(team.Ben, "member", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ben, "admin", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Member_without_the_permission_gets_forbidden_to_change_roles_or_remove_others()
    {
        await using var team = await Team.CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");
        await team.Core.AddMemberAsync(team.Acme, carl);

        await Assert.ThrowsAsync<ForbiddenException>(() => ChangeRoleAsync(team, team.Ben, team.Ben, MembershipRole.Admin));
        await Assert.ThrowsAsync<ForbiddenException>(() => RemoveAsync(team, team.Ben, carl));

        Assert.True(await team.CheckAsync(carl, "can_view", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ben, "admin", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Manage_members_role_removes_members_but_neither_removes_nor_makes_admins()
    {
        await using var team = await Team.CreateAsync();
        var hana = await team.AddMemberWithRoleAsync("hana", "manage_members");

        await RemoveAsync(team, hana, team.Ben);
        await Assert.ThrowsAsync<ForbiddenException>(() => RemoveAsync(team, hana, team.Ada));
        await Assert.ThrowsAsync<ForbiddenException>(() => ChangeRoleAsync(team, hana, hana, MembershipRole.Admin));

        Assert.False(await team.CheckAsync(team.Ben, "can_view", Fga.Organization(team.Acme)));
        Assert.True(await team.CheckAsync(team.Ada, "admin", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(hana, "admin", Fga.Organization(team.Acme)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promotion_and_demotion_rewrite_the_organization_tuple(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);

        var promoted = await ChangeRoleAsync(team, team.Ada, team.Ben, MembershipRole.Admin);
        var demoted = await ChangeRoleAsync(team, team.Ben, team.Ada, MembershipRole.Member);

        Assert.Equal(MembershipRole.Admin, promoted.Role);
        Assert.Equal(MembershipRole.Member, demoted.Role);
        Assert.True(await team.CheckAsync(team.Ben, "admin", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ada, "admin", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        var memberships = await db.RelationshipTuples.Where(t => t.Object == Fga.Organization(team.Acme) && (t.Relation == "admin" || t.Relation == "member"))
            .OrderBy(t => t.Relation).Select(t => t.Relation + "@" + t.User).ToListAsync(Cancel);
        Assert.Equal([$"admin@{Fga.User(team.Ben.UserId)}", $"member@{Fga.User(team.Ada.UserId)}"], memberships);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Last_admin_can_be_neither_demoted_nor_removed_not_even_by_themselves(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);

        var demoted = await Assert.ThrowsAsync<ConflictException>(() => ChangeRoleAsync(team, team.Ada, team.Ada, MembershipRole.Member));
        var removed = await Assert.ThrowsAsync<ConflictException>(() => RemoveAsync(team, team.Ada, team.Ada));
        // Setting the role the last admin already has changes nothing, so it is no demotion and succeeds.
        var unchanged = await ChangeRoleAsync(team, team.Ada, team.Ada, MembershipRole.Admin);

        Assert.Equal("The last admin cannot be demoted; make another member an admin first.", demoted.Message);
        Assert.Equal("The last admin cannot be removed; make another member an admin first.", removed.Message);
        Assert.Equal(MembershipRole.Admin, unchanged.Role);

        Assert.True(await team.CheckAsync(team.Ada, "admin", Fga.Organization(team.Acme)));
        await using var db = team.AcmeDb();
        Assert.Equal(MembershipRole.Admin, await db.Memberships.Where(m => m.UserId == team.Ada.UserId).Select(m => m.Role).SingleAsync(Cancel));
    }

    [Fact]
    public async Task An_admin_may_leave_once_another_admin_exists()
    {
        await using var team = await Team.CreateAsync();
        await ChangeRoleAsync(team, team.Ada, team.Ben, MembershipRole.Admin);

        await RemoveAsync(team, team.Ada, team.Ada);
        await Assert.ThrowsAsync<ConflictException>(() => RemoveAsync(team, team.Ben, team.Ben));

        Assert.False(await team.CheckAsync(team.Ada, "can_view", Fga.Organization(team.Acme)));
        Assert.True(await team.CheckAsync(team.Ben, "admin", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Member_may_leave_without_any_permission()
    {
        await using var team = await Team.CreateAsync();

        await RemoveAsync(team, team.Ben, team.Ben);

        Assert.False(await team.CheckAsync(team.Ben, "can_view", Fga.Organization(team.Acme)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Removing_a_member_deletes_every_tuple_that_names_them(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var role = await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(team.Ada, team.Acme, new("Leads", null, ["create_projects"]), Cancel));
        await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.AssignAsync(team.Ada, team.Acme, role.Id, new(team.Ben.UserId), Cancel));
        await team.Use<McpAccessService>(s => s.GrantAsync(team.Ada, team.Acme, new(team.Ben.UserId), Cancel));
        Assert.True(await team.CheckAsync(team.Ben, "can_create_project", Fga.Organization(team.Acme)));

        await RemoveAsync(team, team.Ada, team.Ben);

        Assert.False(await team.CheckAsync(team.Ben, "can_view", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ben, "can_create_project", Fga.Organization(team.Acme)));
        Assert.False(await team.CheckAsync(team.Ben, "access", Fga.McpServer(team.Acme)));
        await using var db = team.AcmeDb();
        var ben = Fga.User(team.Ben.UserId);
        Assert.Equal(0, await db.RelationshipTuples.CountAsync(t => t.User == ben, Cancel));
        Assert.Equal(0, await db.RoleAssignments.CountAsync(Cancel));
        Assert.Equal(0, await db.Memberships.CountAsync(m => m.UserId == team.Ben.UserId, Cancel));
        Assert.Equal(1, await db.RoleTemplates.CountAsync(Cancel));
    }

    [Fact]
    public async Task Removing_or_changing_someone_who_is_not_a_member_is_not_found()
    {
        await using var team = await Team.CreateAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => RemoveAsync(team, team.Ada, team.Eve));
        await Assert.ThrowsAsync<NotFoundException>(() => ChangeRoleAsync(team, team.Ada, team.Eve, MembershipRole.Admin));

        Assert.True(await team.CheckAsync(team.Eve, "admin", Fga.Organization(team.Evil)));
        Assert.False(await team.CheckAsync(team.Eve, "can_view", Fga.Organization(team.Acme)));
    }

    [Fact]
    public async Task Invalid_role_names_the_field_and_writes_nothing()
    {
        await using var team = await Team.CreateAsync();
        var before = await team.TupleChangeCountAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => ChangeRoleAsync(team, team.Ada, team.Ben, (MembershipRole)7));

        Assert.Equal("Role", Assert.Single(error.Errors).PropertyName);
        Assert.Equal(before, await team.TupleChangeCountAsync());
        await using var db = team.AcmeDb();
        Assert.Equal(MembershipRole.Member, await db.Memberships.Where(m => m.UserId == team.Ben.UserId).Select(m => m.Role).SingleAsync(Cancel));
    }
}
