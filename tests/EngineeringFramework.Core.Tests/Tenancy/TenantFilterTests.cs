using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Tenancy;

public sealed partial class TenantFilterTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Data_of_organization_A_is_invisible_with_tenant_B_set(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = await SeedTwoOrganizationsAsync(database);

        await using var db = database.CreateContext(b);

        Assert.Equal([b], await db.Organizations.Select(o => o.Id).ToListAsync(TestContext.Current.CancellationToken));
        Assert.All(await db.Departments.ToListAsync(TestContext.Current.CancellationToken), d => Assert.Equal(b, d.OrganizationId));
        Assert.All(await db.Projects.ToListAsync(TestContext.Current.CancellationToken), p => Assert.Equal(b, p.OrganizationId));
        Assert.All(await db.ChecklistItems.ToListAsync(TestContext.Current.CancellationToken), i => Assert.Equal(b, i.OrganizationId));
        Assert.All(await db.Memberships.ToListAsync(TestContext.Current.CancellationToken), m => Assert.Equal(b, m.OrganizationId));
        Assert.Equal(1, await db.Projects.CountAsync(TestContext.Current.CancellationToken));
        Assert.Null(await db.Projects.FirstOrDefaultAsync(p => p.OrganizationId == a, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_pooled_context_never_carries_one_scopes_organization_into_the_next(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, _) = await SeedTwoOrganizationsAsync(database);
        var services = new ServiceCollection();
        services.AddAppData(database.Connection);
        await using var root = services.BuildServiceProvider(validateScopes: true);

        AppDbContext first;
        await using (var scope = root.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(a);
            first = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal([a], await first.Organizations.Select(o => o.Id).ToListAsync(TestContext.Current.CancellationToken));
        }

        await using (var scope = root.CreateAsyncScope())
        {
            var second = scope.ServiceProvider.GetRequiredService<AppDbContext>();

            Assert.Same(first, second);
            Assert.Empty(await second.Organizations.ToListAsync(TestContext.Current.CancellationToken));
            Assert.Empty(await second.Projects.ToListAsync(TestContext.Current.CancellationToken));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Query_with_no_tenant_set_returns_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await SeedTwoOrganizationsAsync(database);

        await using var db = database.CreateContext(organizationId: null);

        Assert.Empty(await db.Organizations.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await db.Memberships.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await db.Departments.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await db.Projects.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await db.ChecklistItems.ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Explicit_bypass_sees_every_organization(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = await SeedTwoOrganizationsAsync(database);

        await using var db = database.CreateContext(organizationId: null);
        var owners = await db.Projects.BypassTenantFilter().Select(p => p.OrganizationId).OrderBy(id => id).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new[] { a, b }.Order(), owners);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deleting_an_organization_removes_everything_it_owns(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = await SeedTwoOrganizationsAsync(database);

        await using (var db = database.CreateContext(a))
        {
            await db.Organizations.Where(o => o.Id == a).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
        }

        await using var check = database.CreateContext(organizationId: null);
        Assert.Equal([b], await check.Organizations.BypassTenantFilter().Select(o => o.Id).ToListAsync(TestContext.Current.CancellationToken));
        Assert.All(await check.ChecklistItems.BypassTenantFilter().ToListAsync(TestContext.Current.CancellationToken), i => Assert.Equal(b, i.OrganizationId));
        Assert.All(await check.Departments.BypassTenantFilter().ToListAsync(TestContext.Current.CancellationToken), d => Assert.Equal(b, d.OrganizationId));
        Assert.Equal(2, await check.Users.CountAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_stale_checklist_item_update_is_a_concurrency_conflict(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, _) = await SeedTwoOrganizationsAsync(database);

        await using var first = database.CreateContext(a);
        await using var second = database.CreateContext(a);
        var mine = await first.ChecklistItems.SingleAsync(TestContext.Current.CancellationToken);
        var theirs = await second.ChecklistItems.SingleAsync(TestContext.Current.CancellationToken);

        mine.Status = ChecklistItemStatus.Done;
        await first.SaveChangesAsync(TestContext.Current.CancellationToken);
        theirs.Status = ChecklistItemStatus.InProgress;

        Assert.Equal(2, mine.Version);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_scope_cannot_switch_tenant()
    {
        var tenant = new TenantContext();
        tenant.Set(Guid.CreateVersion7());

        Assert.Equal("The tenant of this scope is already set to another organization.", Assert.Throws<InvalidOperationException>(() => tenant.Set(Guid.CreateVersion7())).Message);
        // The all-zero id names no organization: the caller is told it was not found (a 404 naming what), never a 500.
        Assert.Equal("Organization was not found.", Assert.Throws<EngineeringFramework.Core.UseCases.NotFoundException>(() => new TenantContext().Set(Guid.Empty)).Message);
    }

    private static async Task<(Guid A, Guid B)> SeedTwoOrganizationsAsync(TestDatabase database)
    {
        var a = await SeedOrganizationAsync(database, "alpha");
        var b = await SeedOrganizationAsync(database, "beta");
        return (a, b);
    }

    private static async Task<Guid> SeedOrganizationAsync(TestDatabase database, string slug)
    {
        var organization = new Organization { Name = slug.ToUpperInvariant(), Slug = slug, CreatedAt = DateTime.UtcNow };
        await using var db = database.CreateContext(organization.Id);
        var user = new User { AuthSubject = $"sub-{slug}", Email = $"{slug}@example.com", DisplayName = slug, CreatedAt = DateTime.UtcNow };
        var department = new Department { OrganizationId = organization.Id, Name = $"{slug} platform", CreatedAt = DateTime.UtcNow };
        var project = new Project { OrganizationId = organization.Id, DepartmentId = department.Id, Name = $"{slug} launch", LeadUserId = user.Id, CreatedAt = DateTime.UtcNow };
        project.ChecklistItems.Add(new ChecklistItem
        {
            OrganizationId = organization.Id,
            ProjectId = project.Id,
            ItemSlug = "threat-model",
            Name = "Threat model reviewed",
            CategorySlug = "security",
            CategoryName = "Security",
            SubcategorySlug = "design",
            SubcategoryName = "Design",
            EvidenceLinks = ["https://example.com/threat-model"],
            UpdatedAt = DateTime.UtcNow,
        });
        db.AddRange(organization, user, department, project);
        db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = user.Id, Role = MembershipRole.Admin, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return organization.Id;
    }
}
