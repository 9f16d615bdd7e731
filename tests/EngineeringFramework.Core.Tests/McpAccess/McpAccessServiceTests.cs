using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.McpAccess;

public sealed class McpAccessServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task GrantAsync(Team team, Caller caller, Caller member)
        => team.Use<McpAccessService>(s => s.GrantAsync(caller, team.Acme, new(member.UserId), Cancel));

    private static Task RevokeAsync(Team team, Caller caller, Caller member)
        => team.Use<McpAccessService>(s => s.RevokeAsync(caller, team.Acme, member.UserId, Cancel));

    private static Task<bool> HasAccessAsync(Team team, Caller caller)
        => team.Use<McpAccessService, bool>(s => s.HasAccessAsync(caller, team.Acme, Cancel));

    private static async Task<int> GrantCountAsync(Team team)
    {
        await using var db = team.AcmeDb();
        return await db.RelationshipTuples.CountAsync(t => t.Object == Fga.McpServer(team.Acme) && t.Relation == "granted", Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Grant_gives_access_and_revoke_takes_it_away_on_the_next_request(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        Assert.False(await HasAccessAsync(team, team.Ben));

        await GrantAsync(team, team.Ada, team.Ben);
        await GrantAsync(team, team.Ada, team.Ben);
        Assert.True(await HasAccessAsync(team, team.Ben));
        Assert.Equal(1, await GrantCountAsync(team));

        await RevokeAsync(team, team.Ada, team.Ben);

        Assert.False(await HasAccessAsync(team, team.Ben));
        Assert.Equal(0, await GrantCountAsync(team));
    }

    /// <summary>The list the MCP surface asks for on every request: the organizations whose MCP server the caller may use.</summary>
    [Fact]
    public async Task The_organizations_with_access_are_those_granted_and_no_other()
    {
        await using var team = await Team.CreateAsync();
        Task<IReadOnlyList<Guid>> WithAccessAsync(Caller caller) => team.Use<McpAccessService, IReadOnlyList<Guid>>(s => s.OrganizationsWithAccessAsync(caller, Cancel));
        Assert.Empty(await WithAccessAsync(team.Ben));

        await GrantAsync(team, team.Ada, team.Ben);
        await team.Use<McpAccessService>(s => s.GrantAsync(team.Eve, team.Evil, new(team.Eve.UserId), Cancel));

        Assert.Equal([team.Acme], await WithAccessAsync(team.Ben));
        Assert.Equal([team.Evil], await WithAccessAsync(team.Eve));
        Assert.Empty(await WithAccessAsync(team.Ada));
    }

    [Fact]
    public async Task Admins_need_an_explicit_grant_too()
    {
        await using var team = await Team.CreateAsync();

        Assert.False(await HasAccessAsync(team, team.Ada));
        await GrantAsync(team, team.Ada, team.Ada);

        Assert.True(await HasAccessAsync(team, team.Ada));
        Assert.False(await team.Use<McpAccessService, bool>(s => s.HasAccessAsync(team.Ada, team.Evil, Cancel)));
    }

    [Fact]
    public async Task A_grant_without_membership_gives_no_access()
    {
        await using var team = await Team.CreateAsync();
        await GrantAsync(team, team.Ada, team.Ben);

        // Membership gone but the grant tuple left behind (e.g. written by hand): the model still refuses.
        await team.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<RelationshipWriter>()
                .DeleteAsync(Fga.Organization(team.Acme), "member", Fga.User(team.Ben.UserId), Cancel);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync(Cancel);
        });

        Assert.False(await HasAccessAsync(team, team.Ben));
        Assert.Equal(1, await GrantCountAsync(team));
    }

    [Fact]
    public async Task List_shows_granted_members_by_name()
    {
        await using var team = await Team.CreateAsync();
        var carl = await team.Core.CreateUserAsync("carl");
        await team.Core.AddMemberAsync(team.Acme, carl);
        await GrantAsync(team, team.Ada, carl);
        await GrantAsync(team, team.Ada, team.Ben);

        var list = await team.Use<McpAccessService, IReadOnlyList<McpAccessEntry>>(s => s.ListAsync(team.Ada, team.Acme, Cancel));

        Assert.Equal(["ben", "carl"], list.Select(e => e.DisplayName));
        Assert.Equal("carl@example.com", list[1].Email);
    }

    [Fact]
    public async Task Only_members_can_be_granted()
    {
        await using var team = await Team.CreateAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => GrantAsync(team, team.Ada, team.Eve));

        Assert.Equal(0, await GrantCountAsync(team));
        Assert.False(await HasAccessAsync(team, team.Eve));
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_mcp_operation()
    {
        await using var team = await Team.CreateAsync();
        await GrantAsync(team, team.Ada, team.Ben);

        await Assert.ThrowsAsync<NotFoundException>(() => GrantAsync(team, team.Eve, team.Eve));
        await Assert.ThrowsAsync<NotFoundException>(() => RevokeAsync(team, team.Eve, team.Ben));
        await Assert.ThrowsAsync<NotFoundException>(() => team.Use<McpAccessService>(s => s.ListAsync(team.Eve, team.Acme, Cancel)));

        Assert.True(await HasAccessAsync(team, team.Ben));
        Assert.False(await HasAccessAsync(team, team.Eve));
        Assert.Equal(1, await GrantCountAsync(team));
    }

    [Fact]
    public async Task Member_who_is_not_an_admin_gets_forbidden_even_with_a_manage_members_role()
    {
        await using var team = await Team.CreateAsync();
        var hana = await team.AddMemberWithRoleAsync("hana", "manage_members");
        await GrantAsync(team, team.Ada, team.Ben);

        foreach (var caller in new[] { team.Ben, hana })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => GrantAsync(team, caller, caller));
            await Assert.ThrowsAsync<ForbiddenException>(() => RevokeAsync(team, caller, team.Ben));
            await Assert.ThrowsAsync<ForbiddenException>(() => team.Use<McpAccessService>(s => s.ListAsync(caller, team.Acme, Cancel)));
        }

        Assert.False(await HasAccessAsync(team, hana));
        Assert.Equal(1, await GrantCountAsync(team));
    }

    [Fact]
    public async Task Empty_user_id_names_the_field_and_writes_nothing()
    {
        await using var team = await Team.CreateAsync();
        var before = await team.TupleChangeCountAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => team.Use<McpAccessService>(s => s.GrantAsync(team.Ada, team.Acme, new(Guid.Empty), Cancel)));

        Assert.Equal("UserId", Assert.Single(error.Errors).PropertyName);
        Assert.Equal(before, await team.TupleChangeCountAsync());
    }
}
