using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.RoleTemplates;

public sealed class RoleTemplateDriftTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(Guid Leads, Guid Other)> CreateTemplatesAsync(Team team)
    {
        var leads = await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(team.Ada, team.Acme, new("Leads", null, ["create_projects", "update_checklists"]), Cancel));
        var other = await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.CreateAsync(team.Ada, team.Acme, new("Others", null, ["manage_members"]), Cancel));
        return (leads.Id, other.Id);
    }

    private static Task<IReadOnlyList<RoleTemplateDrift>> CheckAsync(Team team)
        => team.Use<RoleTemplateDriftCheck, IReadOnlyList<RoleTemplateDrift>>(s => s.CheckAsync(team.Ada, team.Acme, Cancel));

    private static async Task TamperAsync(Team team, Guid id, Action<RoleTemplate> change)
    {
        await using var db = team.AcmeDb();
        var template = await db.RoleTemplates.SingleAsync(r => r.Id == id, Cancel);
        change(template);
        await db.SaveChangesAsync(Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Templates_saved_by_the_product_show_no_drift(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var (leads, _) = await CreateTemplatesAsync(team);
        await team.Use<RoleTemplateService, RoleTemplateSummary>(s => s.UpdateAsync(team.Ada, team.Acme, leads, new("Leads", null, ["delete_projects"]), Cancel));

        var report = await CheckAsync(team);

        Assert.Equal(2, report.Count);
        Assert.All(report, d => Assert.False(d.HasDrift));
        Assert.All(report, d => Assert.Empty(d.MissingRelations.Concat(d.UnexpectedRelations)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Tampered_hash_is_reported(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var (leads, other) = await CreateTemplatesAsync(team);

        await TamperAsync(team, leads, t => t.PermissionsHash = new string('0', 64));

        var report = await CheckAsync(team);
        var drift = report.Single(d => d.RoleTemplateId == leads);
        Assert.False(drift.HashMatches);
        Assert.True(drift.JsonIsCanonical);
        Assert.True(drift.TuplesMatch);
        Assert.True(drift.HasDrift);
        Assert.False(report.Single(d => d.RoleTemplateId == other).HasDrift);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Tampered_json_is_reported_with_the_relations_it_names_but_no_tuple_grants(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var (leads, _) = await CreateTemplatesAsync(team);

        await TamperAsync(team, leads, t => t.PermissionsJson = """["create_projects","delete_projects"]""");

        var drift = (await CheckAsync(team)).Single(d => d.RoleTemplateId == leads);
        Assert.False(drift.HashMatches);
        Assert.False(drift.TuplesMatch);
        Assert.Equal(["can_delete_project"], drift.MissingRelations);
        Assert.Equal(["can_update_checklist"], drift.UnexpectedRelations);
    }

    [Fact]
    public async Task Json_that_is_not_canonical_is_reported_even_with_a_matching_hash()
    {
        await using var team = await Team.CreateAsync(DatabaseProvider.Sqlite);
        var (leads, _) = await CreateTemplatesAsync(team);
        const string spaced = """[ "update_checklists", "create_projects" ]""";

        await TamperAsync(team, leads, t => (t.PermissionsJson, t.PermissionsHash) = (spaced, PermissionSet.HashOf(spaced)));

        var drift = (await CheckAsync(team)).Single(d => d.RoleTemplateId == leads);
        Assert.True(drift.HashMatches);
        Assert.False(drift.JsonIsCanonical);
        Assert.True(drift.TuplesMatch);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleted_and_extra_tuples_are_reported(DatabaseProvider provider)
    {
        await using var team = await Team.CreateAsync(provider);
        var (leads, other) = await CreateTemplatesAsync(team);
        var org = Fga.Organization(team.Acme);

        await team.InScopeAsync(async sp =>
        {
            var relationships = sp.GetRequiredService<RelationshipWriter>();
            Assert.True(await relationships.DeleteAsync(org, "can_create_project", Fga.RoleAssignees(leads), Cancel));
            relationships.Write(team.Acme, org, "can_manage_members", Fga.RoleAssignees(leads));
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync(Cancel);
        });

        var report = await CheckAsync(team);
        var drift = report.Single(d => d.RoleTemplateId == leads);
        Assert.True(drift.HashMatches);
        Assert.False(drift.TuplesMatch);
        Assert.Equal(["can_create_project"], drift.MissingRelations);
        Assert.Equal(["can_manage_members"], drift.UnexpectedRelations);
        Assert.False(report.Single(d => d.RoleTemplateId == other).HasDrift);
    }
}
