using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace EngineeringFramework.Core.Tests.Tenancy;

/// <summary>
/// The tenant filter over every entity type that carries an organization, found in the EF model itself: a new
/// organization-owned type is either filtered (and then must be seeded here, or the test says so) or fails the test.
/// </summary>
public sealed partial class TenantFilterTests
{
    private const string OwnerColumn = nameof(IOrganizationOwned.OrganizationId);

    /// <summary>
    /// Types that carry an organization id but are deliberately not tenant-filtered, each with the reason. Nothing else may be.
    /// </summary>
    private static readonly Dictionary<Type, string> Unfiltered = new()
    {
        // The relationship store: the embedded engine loads every organization's tuples (and the system's) to answer
        // checks, and the FGA check is the first line of defence the filter backs up. Writers scope tuples explicitly.
        [typeof(RelationshipTuple)] = "the authorization engine's own store, read across organizations by design",
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_entity_type_with_an_organization_is_tenant_filtered_unless_exempted_with_a_reason(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var db = database.CreateContext(organizationId: null);

        var owned = db.Model.GetEntityTypes().Where(HasOwner).ToList();
        var unfiltered = owned.Where(t => t.FindDeclaredQueryFilter(TenantFilter.Name) is null).Select(t => t.ClrType).ToList();

        Assert.True(owned.Count >= 17, $"Only {owned.Count} organization-carrying types found; is the model read correctly?");
        var missing = unfiltered.Except(Unfiltered.Keys).Select(t => t.Name).ToList();
        var stale = Unfiltered.Keys.Except(unfiltered).Select(t => t.Name).ToList();
        Assert.True(
            missing.Count == 0,
            $"Organization-owned but not tenant-filtered: {string.Join(", ", missing)}. AppDbContext filters what implements IOrganizationOwned or ISystemOrOrganizationOwned; or exempt the type in {nameof(Unfiltered)} saying why.");
        Assert.True(stale.Count == 0, $"Exempted from the tenant filter, but filtered or gone: {string.Join(", ", stale)}; remove the exemption.");
        Assert.All(owned.Where(t => !Unfiltered.ContainsKey(t.ClrType)), t => Assert.True(
            typeof(IOrganizationOwned).IsAssignableFrom(t.ClrType) || typeof(ISystemOrOrganizationOwned).IsAssignableFrom(t.ClrType),
            $"{t.ClrType.Name} is filtered without saying whose it is (IOrganizationOwned or ISystemOrOrganizationOwned)."));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rows_of_every_organization_owned_type_are_invisible_to_another_organization(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = await SeedTwoOrganizationsAsync(database);
        foreach (var organization in new[] { a, b })
        {
            await SeedEveryOwnedTypeAsync(database, organization);
        }

        await SeedSystemFrameworkAsync(database);

        await using var unscoped = database.CreateContext(organizationId: null);
        var owned = unscoped.Model.GetEntityTypes().Where(t => HasOwner(t) && !Unfiltered.ContainsKey(t.ClrType)).ToList();
        Assert.True(owned.Count >= 17, $"Only {owned.Count} organization-owned types found; is the model read correctly?");
        foreach (var type in owned)
        {
            var shared = typeof(ISystemOrOrganizationOwned).IsAssignableFrom(type.ClrType);
            var all = await OwnersAsync(unscoped, type, bypass: true);
            Assert.True(all.Contains(a) && all.Contains(b), $"The seed has no {type.ClrType.Name} of each organization; add them to {nameof(SeedEveryOwnedTypeAsync)}.");
            Assert.True(!shared || all.Contains(null), $"The seed has no system {type.ClrType.Name}; add one to {nameof(SeedSystemFrameworkAsync)}.");

            foreach (var (tenant, other) in new[] { (b, a), (a, b) })
            {
                await using var db = database.CreateContext(tenant);
                var seen = (await OwnersAsync(db, type, bypass: false)).Distinct().Order().ToList();
                Assert.True(!seen.Contains(other), $"{type.ClrType.Name}: rows of another organization are visible to tenant {tenant}.");
                Assert.Equal(shared ? [null, tenant] : new List<Guid?> { tenant }, seen);
            }

            Assert.Equal(shared ? [null] : new List<Guid?>(), (await OwnersAsync(unscoped, type, bypass: false)).Distinct().ToList());
        }
    }

    private static bool HasOwner(IEntityType type)
        => !type.IsOwned() && (type.ClrType == typeof(Organization) || type.FindProperty(OwnerColumn) is not null);

    /// <summary>Whose each row is (<see cref="Organization"/> is its own), through the type's own DbSet.</summary>
    private static Task<List<Guid?>> OwnersAsync(AppDbContext db, IEntityType type, bool bypass)
        => (Task<List<Guid?>>)typeof(TenantFilterTests).GetMethod(nameof(OwnersOfAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ClrType)
            .Invoke(null, [db, type.ClrType == typeof(Organization) ? nameof(Organization.Id) : OwnerColumn, bypass])!;

    private static Task<List<Guid?>> OwnersOfAsync<T>(AppDbContext db, string owner, bool bypass)
        where T : class
    {
        var query = bypass ? db.Set<T>().BypassTenantFilter() : db.Set<T>();
        return query.Select(e => EF.Property<Guid?>(e, owner)).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// One row of every organization-owned type that <see cref="SeedOrganizationAsync"/> leaves out: invitations, roles and
    /// their assignments, activity, agents' sign-off requests, service accounts and their tokens, GitHub sync (settings, job, webhook delivery, framework check) and an organization's own framework.
    /// </summary>
    private static async Task SeedEveryOwnedTypeAsync(TestDatabase database, Guid organization)
    {
        var now = DateTime.UtcNow;
        await using var db = database.CreateContext(organization);
        var member = await db.Memberships.SingleAsync(TestContext.Current.CancellationToken);
        var project = await db.Projects.SingleAsync(TestContext.Current.CancellationToken);
        var item = await db.ChecklistItems.FirstAsync(TestContext.Current.CancellationToken);
        var role = new RoleTemplate { OrganizationId = organization, Name = "Leads", PermissionsJson = "[]", PermissionsHash = new string('0', 64), CreatedAt = now, UpdatedAt = now };
        var botUser = new EngineeringFramework.Core.Users.User { AuthSubject = $"service-account:{Guid.NewGuid()}", Email = string.Empty, DisplayName = "Bot", IsServiceAccount = true, CreatedAt = now };
        var bot = new EngineeringFramework.Core.ServiceAccounts.ServiceAccount { OrganizationId = organization, UserId = botUser.Id, Name = "Bot", ExpiresAt = now.AddDays(30), CreatedByUserId = member.UserId, CreatedAt = now };
        db.AddRange(
            botUser,
            bot,
            new EngineeringFramework.Core.ServiceAccounts.ServiceAccountToken { OrganizationId = organization, ServiceAccountId = bot.Id, Name = "ci", Hash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'), Prefix = "efsa_abcdefg", CreatedByUserId = member.UserId, CreatedAt = now },
            new Invitation { OrganizationId = organization, Email = $"new-{organization:N}@example.com", TokenHash = Convert.ToHexStringLower(organization.ToByteArray()).PadRight(64, '0'), ExpiresAt = now.AddDays(7), InvitedByUserId = member.UserId, CreatedAt = now },
            role,
            new RoleAssignment { OrganizationId = organization, RoleTemplateId = role.Id, UserId = member.UserId, CreatedAt = now },
            new ActivityEntry { OrganizationId = organization, ProjectId = project.Id, UserId = member.UserId, Surface = Surface.Api, Action = "project.updated", ChangesJson = "{}", At = now },
            new GitHubSyncSettings { OrganizationId = organization, Owner = "acme", Repository = "framework", Branch = "main", WebhookSecretCiphertext = [1, 2, 3], CreatedAt = now, UpdatedAt = now },
            new GitHubSyncJob { OrganizationId = organization, Trigger = GitHubSyncTrigger.Manual, EnqueuedAt = now },
            new GitHubWebhookDelivery { OrganizationId = organization, DeliveryId = "delivery-1", ReceivedAt = now },
            new FrameworkCheck { OrganizationId = organization, CommitSha = new string('a', 40), Branch = "feature", RequestedAt = now },
            new EngineeringFramework.Core.SignOff.SignOffRequest { OrganizationId = organization, ProjectId = project.Id, ChecklistItemId = item.Id, Status = EngineeringFramework.Core.Checklists.ChecklistItemStatus.Done, RequestedByUserId = member.UserId, Surface = Surface.Mcp, RequestedAt = now },
            new EngineeringFramework.Core.Evidence.EvidenceCheck { OrganizationId = organization, ProjectId = project.Id, ChecklistItemId = item.Id, Url = "https://github.com/acme/app/blob/main/README.md", Kind = EngineeringFramework.Core.Evidence.EvidenceKind.File, DueAt = now },
            Framework(organization));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private static async Task SeedSystemFrameworkAsync(TestDatabase database)
    {
        await using var db = database.CreateContext(organizationId: null);
        db.Add(Framework(organization: null));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A one-item framework version with every row owned by <paramref name="organization"/> (null: the system's).</summary>
    private static FrameworkVersion Framework(Guid? organization)
    {
        var version = new FrameworkVersion { OrganizationId = organization, ContentHash = new string('a', 64), Source = "import", ImportedAt = DateTime.UtcNow, ItemCount = 1, TemplateCount = 1 };
        var category = new FrameworkVersionCategory { FrameworkVersionId = version.Id, OrganizationId = organization, Slug = "security", Name = "Security" };
        var subcategory = new FrameworkVersionSubcategory { CategoryId = category.Id, OrganizationId = organization, Slug = "design", Name = "Design" };
        subcategory.Items.Add(new FrameworkVersionItem { SubcategoryId = subcategory.Id, FrameworkVersionId = version.Id, OrganizationId = organization, Slug = "threat-model", Name = "Threat model", TemplateSlug = "threat-model" });
        category.Subcategories.Add(subcategory);
        version.Categories.Add(category);
        version.Templates.Add(new FrameworkVersionTemplate { FrameworkVersionId = version.Id, OrganizationId = organization, Slug = "threat-model", Name = "Threat model", Markdown = "# {{system}}" });
        return version;
    }
}
