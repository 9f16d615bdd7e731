using System.Text.Json;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Users;

public sealed class AccountDeletionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_an_account_removes_memberships_tuples_and_assignments_and_keeps_the_history_as_deleted_user(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);

        // Ben: member of Acme and of Evil Corp, project lead, assignee of an item he changed, holder of a role and MCP access.
        await world.Core.AddMemberAsync(world.Evil, world.Ben);
        var project = (await world.CreateProjectAsync(lead: world.Ben.UserId)).Project.Id;
        var item = await world.ItemAsync(project, "roadmap");
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, item.Id, new(1, ChecklistItemStatus.InProgress, AssigneeUserId: world.Ben.UserId), Cancel));
        await world.Checklists(world.Ben, (s, c) => s.UpdateItemAsync(c, world.Acme, project, item.Id, new(2, ChecklistItemStatus.Done, AssigneeUserId: world.Ben.UserId), Cancel));
        var role = await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().CreateAsync(world.Ada, world.Acme, new("Reviewers", null, ["update_checklists"]), Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().AssignAsync(world.Ada, world.Acme, role.Id, new(world.Ben.UserId), Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<McpAccessService>().GrantAsync(world.Ada, world.Acme, new(world.Ben.UserId), Cancel));
        var subject = await SubjectOfAsync(world, world.Ben);
        Assert.True(await TuplesNamingAsync(world, world.Ben) >= 5);

        await world.Core.InScopeAsync(sp => sp.GetRequiredService<AccountDeletion>().DeleteAsync(subject, Surface.Ui, Cancel));

        await using var db = world.Core.Database.CreateContext();
        Assert.Equal(0, await TuplesNamingAsync(world, world.Ben));
        Assert.False(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == world.Ben.UserId, Cancel));
        Assert.False(await db.RoleAssignments.BypassTenantFilter().AnyAsync(a => a.UserId == world.Ben.UserId, Cancel));
        var user = await db.Users.SingleAsync(u => u.Id == world.Ben.UserId, Cancel);
        Assert.Equal((AccountDeletion.DeletedDisplayName, string.Empty, $"deleted:{world.Ben.UserId}"), (user.DisplayName, user.Email, user.AuthSubject));
        Assert.NotNull(user.DeletedAt);
        Assert.False(await db.Users.AnyAsync(u => u.AuthSubject == subject, Cancel));
        var recorded = await db.DeletedAccounts.SingleAsync(Cancel);
        Assert.Equal((subject, user.DeletedAt), (recorded.AuthSubject, (DateTime?)recorded.DeletedAt));
        var lead = await db.Projects.BypassTenantFilter().Where(p => p.Id == project).Select(p => p.LeadUserId).SingleAsync(Cancel);
        Assert.Null(lead);
        Assert.False(await CheckAsync(world, world.Ben, "can_view", Fga.Organization(world.Acme)));
        Assert.False(await CheckAsync(world, world.Ben, "can_view", Fga.Organization(world.Evil)));

        // The history still reads: Ben's own change, now by "Deleted user", and the unassignment the deletion made.
        var history = await world.Activity(world.Ada, (s, c) => s.ListForItemAsync(c, world.Acme, project, item.Id, new(), Cancel));
        Assert.Equal(3, history.Items.Count);
        var unassigned = history.Items[0];
        Assert.Equal((world.Ben.UserId, AccountDeletion.DeletedDisplayName, Surface.Ui), (unassigned.UserId, unassigned.UserDisplayName, unassigned.Surface));
        Assert.Equal(JsonValueKind.Null, unassigned.Changes.GetProperty("assigneeUserId").GetProperty("to").ValueKind);
        Assert.Equal((world.Ben.UserId, AccountDeletion.DeletedDisplayName), (history.Items[1].UserId, history.Items[1].UserDisplayName));
        Assert.Equal("ada", history.Items[2].UserDisplayName);
        var current = await world.ItemAsync(project, "roadmap");
        Assert.Null(current.AssigneeUserId);
        Assert.Equal(ChecklistItemStatus.Done, current.Status);

        // The organization's member list no longer has him.
        var members = await world.Core.InScopeAsync(sp => sp.GetRequiredService<MemberService>().ListAsync(world.Ada, world.Acme, new(), Cancel));
        Assert.Equal(["ada"], members.Items.Select(m => m.DisplayName));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_admin_cannot_be_deleted_and_the_refusal_names_each_organization_and_changes_nothing(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);

        // Ada is the only admin of Acme and of a second organization; in Evil Corp another admin remains.
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(world.Ada, new("Zenith"), Cancel));
        await world.Core.AddMemberAsync(world.Evil, world.Ada, MembershipRole.Admin);
        var subject = await SubjectOfAsync(world, world.Ada);
        var tuples = await TuplesNamingAsync(world, world.Ada);
        var changes = await TupleChangesAsync(world);

        var blockers = await world.Core.InScopeAsync(sp => sp.GetRequiredService<AccountDeletion>().OrganizationsOnlyAdministeredByAsync(subject, Cancel));
        var refused = await Assert.ThrowsAsync<ConflictException>(() => world.Core.InScopeAsync(sp => sp.GetRequiredService<AccountDeletion>().DeleteAsync(subject, Surface.Ui, Cancel)));

        Assert.Equal(["Acme", "Zenith"], blockers);
        Assert.Equal(AccountDeletion.LastAdminMessage(["Acme", "Zenith"]), refused.Message);
        Assert.Contains("last admin of Acme and Zenith", refused.Message, StringComparison.Ordinal);
        await using var db = world.Core.Database.CreateContext();
        Assert.Equal(3, await db.Memberships.BypassTenantFilter().CountAsync(m => m.UserId == world.Ada.UserId, Cancel));
        Assert.Equal(tuples, await TuplesNamingAsync(world, world.Ada));
        Assert.Equal(changes, await TupleChangesAsync(world));
        var ada = await db.Users.SingleAsync(u => u.Id == world.Ada.UserId, Cancel);
        Assert.Equal(("ada", subject, (DateTime?)null), (ada.DisplayName, ada.AuthSubject, ada.DeletedAt));
        Assert.False(await db.DeletedAccounts.AnyAsync(Cancel));
        Assert.True(await CheckAsync(world, world.Ada, "admin", Fga.Organization(world.Acme)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_subject_that_never_used_the_product_is_recorded_and_a_second_deletion_moves_the_time(DatabaseProvider provider)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var core = await CoreServices.CreateAsync(provider, time);

        await core.InScopeAsync(sp => sp.GetRequiredService<AccountDeletion>().DeleteAsync("provider|42", Surface.Ui, Cancel));
        time.Advance(TimeSpan.FromDays(3));
        await core.InScopeAsync(sp => sp.GetRequiredService<AccountDeletion>().DeleteAsync("provider|42", Surface.Ui, Cancel));

        await using var db = core.Database.CreateContext();
        var recorded = await db.DeletedAccounts.SingleAsync(Cancel);
        Assert.Equal(("provider|42", new DateTime(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc)), (recorded.AuthSubject, recorded.DeletedAt));
        Assert.False(await db.Users.AnyAsync(Cancel));
    }

    private static Task<bool> CheckAsync(ProjectWorld world, Caller caller, string relation, string @object)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<Authorizer>().CheckAsync(caller, relation, @object, Cancel));

    private static async Task<string> SubjectOfAsync(ProjectWorld world, Caller user)
    {
        await using var db = world.Core.Database.CreateContext();
        return await db.Users.Where(u => u.Id == user.UserId).Select(u => u.AuthSubject).SingleAsync(Cancel);
    }

    private static async Task<int> TuplesNamingAsync(ProjectWorld world, Caller user)
    {
        await using var db = world.Core.Database.CreateContext();
        return await db.RelationshipTuples.BypassTenantFilter().CountAsync(t => t.User == Fga.User(user.UserId), Cancel);
    }

    private static async Task<int> TupleChangesAsync(ProjectWorld world)
    {
        await using var db = world.Core.Database.CreateContext();
        return await db.TupleChanges.CountAsync(Cancel);
    }
}
