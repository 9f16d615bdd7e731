using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Organizations;

public sealed class OrganizationServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<OrganizationSummary> CreateAsync(CoreServices core, Caller caller, string name, string? slug = null)
        => core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(caller, new CreateOrganizationRequest(name, slug), Cancel));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Creator_becomes_admin_with_tuples_written_in_the_same_save(DatabaseProvider provider)
    {
        await using var core = await CoreServices.CreateAsync(provider);
        var ada = await core.CreateUserAsync("ada");

        var created = await CreateAsync(core, ada, "Acme Widgets");
        var fetched = await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().GetAsync(ada, created.Id, Cancel));
        var canDelete = await core.InScopeAsync(sp => sp.GetRequiredService<Authorizer>().CheckAsync(ada, "can_delete", Fga.Organization(created.Id), Cancel));

        Assert.Equal("acme-widgets", created.Slug);
        Assert.Equal(MembershipRole.Admin, fetched.Role);
        Assert.True(canDelete);
        await using var db = core.Database.CreateContext();
        Assert.Equal(3, await db.TupleChanges.CountAsync(Cancel));
        Assert.Equal(3, await db.RelationshipTuples.CountAsync(t => t.OrganizationId == created.Id, Cancel));
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_not_found_for_every_operation()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var eve = await core.CreateUserAsync("eve");
        var acme = await CreateAsync(core, ada, "Acme");
        await CreateAsync(core, eve, "Evil Corp");

        await core.InScopeAsync(async sp =>
        {
            var organizations = sp.GetRequiredService<OrganizationService>();
            await Assert.ThrowsAsync<NotFoundException>(() => organizations.GetAsync(eve, acme.Id, Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => organizations.RenameAsync(eve, acme.Id, new("Mine now"), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => organizations.DeleteAsync(eve, acme.Id, new("Acme"), Cancel));
            await Assert.ThrowsAsync<NotFoundException>(() => organizations.ChangePlanAsync(eve, acme.Id, new(Plan.Enterprise), Cancel));
        });
        await using var db = core.Database.CreateContext(acme.Id);
        Assert.Equal("Acme", (await db.Organizations.SingleAsync(Cancel)).Name);
    }

    [Fact]
    public async Task Member_may_view_but_not_rename_or_delete()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var ben = await core.CreateUserAsync("ben");
        var acme = await CreateAsync(core, ada, "Acme");
        await core.AddMemberAsync(acme.Id, ben);

        await core.InScopeAsync(async sp =>
        {
            var organizations = sp.GetRequiredService<OrganizationService>();
            Assert.Equal(MembershipRole.Member, (await organizations.GetAsync(ben, acme.Id, Cancel)).Role);
            var refused = await Assert.ThrowsAsync<ForbiddenException>(() => organizations.RenameAsync(ben, acme.Id, new("Ben's"), Cancel));
            Assert.Equal("You may not do this to the organization.", refused.Message);
        });
        await core.InScopeAsync(sp => Assert.ThrowsAsync<ForbiddenException>(() => sp.GetRequiredService<OrganizationService>().DeleteAsync(ben, acme.Id, new("Acme"), Cancel)));
    }

    [Fact]
    public async Task Only_a_super_admin_changes_the_plan()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var sam = await core.CreateUserAsync("sam");
        var acme = await CreateAsync(core, ada, "Acme");

        await core.InScopeAsync(sp => Assert.ThrowsAsync<ForbiddenException>(() => sp.GetRequiredService<OrganizationService>().ChangePlanAsync(ada, acme.Id, new(Plan.Pro), Cancel)));
        await core.WriteTupleAsync(Fga.SystemObject, "super_admin", Fga.User(sam.UserId));
        var changed = await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().ChangePlanAsync(sam, acme.Id, new(Plan.Pro), Cancel));

        Assert.Equal(Plan.Pro, changed.Plan);
    }

    [Theory]
    [InlineData("", null, "Name")]
    [InlineData("   ", null, "Name")]
    [InlineData("Acme", "Not A Slug", "Slug")]
    [InlineData("Acme", "-acme", "Slug")]
    public async Task Invalid_input_names_the_field_and_writes_nothing(string name, string? slug, string field)
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");

        var error = await Assert.ThrowsAsync<ValidationException>(() => CreateAsync(core, ada, name, slug));

        Assert.Contains(error.Errors, e => e.PropertyName == field);
        await using var db = core.Database.CreateContext();
        Assert.Equal(0, await db.Organizations.BypassTenantFilter().CountAsync(Cancel));
        Assert.Equal(0, await db.TupleChanges.CountAsync(Cancel));
    }

    [Fact]
    public async Task Taken_slug_is_a_conflict()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var eve = await core.CreateUserAsync("eve");
        await CreateAsync(core, ada, "Acme");

        await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(core, eve, "Another", "acme"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Delete_needs_the_exact_name_then_removes_data_and_permissions(DatabaseProvider provider)
    {
        await using var core = await CoreServices.CreateAsync(provider);
        var ada = await core.CreateUserAsync("ada");
        var acme = await CreateAsync(core, ada, "Acme");

        var wrong = await core.InScopeAsync(sp => Assert.ThrowsAsync<ValidationException>(() => sp.GetRequiredService<OrganizationService>().DeleteAsync(ada, acme.Id, new("acme"), Cancel)));
        await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().DeleteAsync(ada, acme.Id, new("Acme"), Cancel));

        Assert.Equal("ConfirmName", Assert.Single(wrong.Errors).PropertyName);
        await core.InScopeAsync(sp => Assert.ThrowsAsync<NotFoundException>(() => sp.GetRequiredService<OrganizationService>().GetAsync(ada, acme.Id, Cancel)));
        await using var db = core.Database.CreateContext();
        Assert.Equal(0, await db.Organizations.BypassTenantFilter().CountAsync(Cancel));
        Assert.Equal(0, await db.RelationshipTuples.CountAsync(Cancel));
        Assert.Equal(3, await db.TupleChanges.CountAsync(c => c.Operation == TupleOperation.Delete, Cancel));
    }

    [Fact]
    public async Task A_removed_membership_is_refused_on_the_very_next_request()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var ben = await core.CreateUserAsync("ben");
        var acme = await CreateAsync(core, ada, "Acme");
        await core.AddMemberAsync(acme.Id, ben);
        await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().GetAsync(ben, acme.Id, Cancel));

        await core.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<RelationshipWriter>().DeleteAsync(Fga.Organization(acme.Id), "member", Fga.User(ben.UserId), Cancel);
            await sp.GetRequiredService<AppDbContext>().SaveChangesAsync(Cancel);
        });

        await core.InScopeAsync(sp => Assert.ThrowsAsync<NotFoundException>(() => sp.GetRequiredService<OrganizationService>().GetAsync(ben, acme.Id, Cancel)));
    }

    [Fact]
    public async Task List_mine_shows_only_the_callers_organizations()
    {
        await using var core = await CoreServices.CreateAsync();
        var ada = await core.CreateUserAsync("ada");
        var eve = await core.CreateUserAsync("eve");
        await CreateAsync(core, ada, "Beta");
        await CreateAsync(core, ada, "Alpha");
        await CreateAsync(core, eve, "Evil");

        var mine = await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().ListMineAsync(ada, Cancel));

        Assert.Equal(["Alpha", "Beta"], mine.Select(o => o.Name));
    }
}
