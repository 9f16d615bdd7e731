using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.OrganizationArchives;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.OrganizationArchives;

public sealed class OrganizationArchiveServiceTests
{
    private static readonly byte[] TokenCiphertext = Encoding.ASCII.GetBytes("SEALED-GITHUB-TOKEN-CIPHERTEXT-0123456789");
    private static readonly byte[] WebhookCiphertext = Encoding.ASCII.GetBytes("SEALED-WEBHOOK-SECRET-CIPHERTEXT-98765");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Export_then_import_into_a_fresh_instance_then_export_again_yields_the_same_archive_but_ids_and_the_member_mapping(DatabaseProvider provider)
    {
        await using var source = await WorkedWorldAsync(provider);
        var exported = await ExportAsync(source.Core, source.Ada, source.Acme);

        // Another instance: its own database, the same built-in framework, and Ada's address on a new account.
        await using var target = await CoreServices.CreateAsync(provider);
        await target.InScopeAsync(sp => new FrameworkImporter(sp.GetRequiredService<AppDbContext>(), TimeProvider.System).ImportAsync(FrameworkFixture.Valid().ParseValid(), null, "builtin", Cancel));
        var adaThere = await target.CreateUserAsync("ada-elsewhere", "ada@example.com");
        var imported = await ImportAsync(target, adaThere, Reparse(exported));
        var again = await ExportAsync(target, adaThere, imported.Id);

        Assert.Equal((Plan.Free, MembershipRole.Admin, "acme"), (imported.Plan, imported.Role, imported.Slug));
        Assert.True(exported.Organization.ResetChangedItemsOnUpgrade);
        Assert.Contains(exported.Projects.SelectMany(p => p.Items), i => i.ItemSlug == "changelog" && i.RetiredAt is not null);
        Assert.Contains(exported.Projects.SelectMany(p => p.Items), i => i.ItemSlug == "roadmap" && i.DefinitionChangedAt is not null);
        Assert.Equal([new ArchivedMember("ada@example.com", MembershipRole.Admin, [])], again.Members.Select(m => m with { RoleTemplates = [.. m.RoleTemplates] }).ToList(), MemberComparer.Instance);
        Assert.Equal(Normalized(exported, keepEmail: "ada@example.com"), Normalized(again, keepEmail: "ada@example.com"));
        Assert.Contains(exported.Activity, a => a.ActorEmail == "ben@example.com");
        Assert.Equal(FrameworkScope.Organization, again.Framework.Scope);
        Assert.NotEmpty(again.Framework.Files!);
        Assert.Equal(
            [FrameworkScope.System, FrameworkScope.Organization],
            again.Projects.Select(p => p.Framework!.Scope));
        Assert.Empty(exported.Projects.SelectMany(p => p.Items).Select(i => i.Id).Intersect(again.Projects.SelectMany(p => p.Items).Select(i => i.Id)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_imported_organization_grants_the_importer_what_an_admin_has_and_keeps_archived_projects_read_only(DatabaseProvider provider)
    {
        await using var source = await WorkedWorldAsync(provider);
        var apollo = (await source.Projects(source.Ada, (p, c) => p.ListAsync(c, source.Acme, new(), Cancel))).Items.Single(p => p.Name == "Apollo");
        await source.Projects(source.Ada, (p, c) => p.PatchAsync(c, source.Acme, apollo.Id, new PatchProjectRequest { Status = ProjectStatus.Archived }, Cancel));
        var exported = await ExportAsync(source.Core, source.Ada, source.Acme);

        var grace = await source.Core.CreateUserAsync("grace");
        var imported = await ImportAsync(source.Core, grace, exported);

        var projects = (await source.Projects(grace, (p, c) => p.ListAsync(c, imported.Id, new(), Cancel))).Items;
        var archived = projects.Single(p => p.Name == "Apollo");
        var active = projects.Single(p => p.Name == "Zeus");
        Assert.Equal(ProjectStatus.Archived, archived.Status);
        Assert.Null(archived.LeadUserId);
        await source.Core.InScopeAsync(async sp =>
        {
            var authorizer = sp.GetRequiredService<Authorizer>();
            Assert.True(await authorizer.CheckAsync(grace, "can_delete", Fga.Organization(imported.Id), Cancel));
            Assert.True(await authorizer.CheckAsync(grace, "can_edit_items", Fga.Project(active.Id), Cancel));
            Assert.False(await authorizer.CheckAsync(grace, "can_edit_items", Fga.Project(archived.Id), Cancel));
            // Nobody named in the archive gains anything here: Ada and Ben were members of Acme, not of the import.
            Assert.False(await authorizer.CheckAsync(source.Ada, "can_view", Fga.Organization(imported.Id), Cancel));
            Assert.False(await authorizer.CheckAsync(source.Ben, "can_view", Fga.Project(active.Id), Cancel));
        });
        var roles = await source.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().ListAsync(grace, imported.Id, Cancel));
        Assert.Equal("Reviewer", roles.Single().Name);
        Assert.Equal(["update_checklists"], roles.Single().Permissions);
        Assert.Empty(roles.Single().AssigneeUserIds);
        var drift = await source.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateDriftCheck>().CheckAsync(grace, imported.Id, Cancel));
        Assert.DoesNotContain(drift, d => d.HasDrift);
    }

    [Fact]
    public async Task The_export_carries_no_secret()
    {
        await using var world = await WorkedWorldAsync(null);

        var json = Encoding.UTF8.GetString(OrganizationArchiveJson.Serialize(await ExportAsync(world.Core, world.Ada, world.Acme)));

        Assert.DoesNotContain(Convert.ToBase64String(TokenCiphertext), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(WebhookCiphertext), json, StringComparison.Ordinal);
        Assert.DoesNotContain("SEALED", json, StringComparison.Ordinal);
        foreach (var word in new[] { "token", "secret", "ciphertext", "webhook", "mcp", "granted" })
        {
            Assert.DoesNotContain(word, string.Join(",", PropertyNames(JsonNode.Parse(json)!)), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_is_refused_and_another_organizations_admin_finds_nothing()
    {
        await using var world = await WorkedWorldAsync(null);

        await Assert.ThrowsAsync<ForbiddenException>(() => ExportAsync(world.Core, world.Ben, world.Acme));
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world.Core, world.Eve, world.Acme));
    }

    public static TheoryData<string, string> Tampered => new()
    {
        { "dangling department", "Projects[0].DepartmentId" },
        { "wrong version", "Version" },
        { "wrong format", "Format" },
        { "oversized notes", "Projects[0].Items[0].Notes" },
        { "NUL in a department name", "Departments[0].Name" },
        { "history of an item of another project", "Activity[0].ChecklistItemId" },
        { "duplicate item slug", "Projects[1].Items[1].ItemSlug" },
        { "javascript evidence link", "Projects[0].Items[0].EvidenceLinks[0]" },
        { "unknown permission", "RoleTemplates[0].Permissions[0]" },
        { "framework content changed", "Framework.ContentHash" },
        { "status out of range", "Projects[0].Items[0].Status" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task A_tampered_archive_is_refused_naming_the_field_and_nothing_is_written(string tampering, string field)
    {
        await using var world = await WorkedWorldAsync(null);
        var archive = Tamper(await ExportAsync(world.Core, world.Ada, world.Acme), tampering);
        var grace = await world.Core.CreateUserAsync("grace");
        var before = await CountsAsync(world.Core);

        var refused = await Assert.ThrowsAsync<ValidationException>(() => ImportAsync(world.Core, grace, archive));

        Assert.Contains(field, refused.Errors.Select(e => e.PropertyName));
        Assert.Equal(before, await CountsAsync(world.Core));
    }

    [Fact]
    public async Task Only_a_system_super_admin_carries_a_paid_plan_over()
    {
        await using var world = await WorkedWorldAsync(null);
        var archive = await ExportAsync(world.Core, world.Ada, world.Acme);
        var paid = archive with { Organization = archive.Organization with { Plan = Plan.Enterprise } };
        var grace = await world.Core.CreateUserAsync("grace");
        var root = await world.Core.CreateUserAsync("root");
        await world.Core.WriteTupleAsync(Fga.SystemObject, "super_admin", Fga.User(root.UserId));

        var byGrace = await ImportAsync(world.Core, grace, paid);
        var byRoot = await ImportAsync(world.Core, root, paid);

        Assert.Equal((Plan.Free, Plan.Enterprise), (byGrace.Plan, byRoot.Plan));
        Assert.NotEqual(byGrace.Slug, byRoot.Slug);
        Assert.NotEqual("acme", byGrace.Slug);
    }

    /// <summary>
    /// Acme with two departments; Apollo (led by Ben, from the system framework) and Zeus (from Acme's own synced
    /// framework); items worked by Ada and Ben (statuses, notes, evidence, an N/A reason, an assignee); a role
    /// template assigned to Ben; and a GitHub connection whose sealed secrets must never leave.
    /// </summary>
    private static async Task<ProjectWorld> WorkedWorldAsync(DatabaseProvider? provider)
    {
        var world = await ProjectWorld.CreateAsync(provider);
        var research = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("Research", "Long bets"), Cancel))).Id;
        var apollo = (await world.CreateProjectAsync("Apollo", lead: world.Ben.UserId)).Project.Id;
        await world.Core.InScopeAsync(async sp =>
        {
            var own = FrameworkFixture.Valid();
            own.SetText("definitions/roadmap.md", "# Roadmap (ours)\n");
            await new FrameworkImporter(sp.GetRequiredService<AppDbContext>(), TimeProvider.System).ImportAsync(own.ParseValid(), world.Acme, "github:0123456789abcdef", Cancel);
            var db = sp.GetRequiredService<AppDbContext>();
            sp.GetRequiredService<TenantContext>().Set(world.Acme);
            db.GitHubSyncSettings.Add(new GitHubSyncSettings
            {
                OrganizationId = world.Acme,
                Owner = "acme",
                Repository = "framework",
                Branch = "main",
                TokenCiphertext = TokenCiphertext,
                WebhookSecretCiphertext = WebhookCiphertext,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync(Cancel);
        });
        await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new CreateProjectRequest(research, "Zeus", "Thunder", TargetDate: new DateOnly(2027, 3, 1)), Cancel));

        var roadmap = await world.ItemAsync(apollo, "roadmap");
        await world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, apollo, roadmap.Id,
            new(1, ChecklistItemStatus.Done, Notes: "Signed off **by** the board — ünïcode", AssigneeUserId: world.Ada.UserId, DueDate: new DateOnly(2027, 1, 31), EvidenceLinks: ["https://example.com/roadmap", "https://example.com/minutes"]), Cancel));
        await world.UpdateItemAsync(apollo, await world.ItemAsync(apollo, "backlog"), ChecklistItemStatus.NotApplicable, reason: "We have no backlog; we have a river.");
        await world.UpdateItemAsync(apollo, await world.ItemAsync(apollo, "unit-tests"), ChecklistItemStatus.InProgress, caller: world.Ben with { Surface = Surface.Mcp, Client = "claude-code" });

        // What a framework upgrade leaves behind: a retired item, a finished one flagged for review, and the policy.
        await world.Core.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            await db.Organizations.BypassTenantFilter().Where(o => o.Id == world.Acme).ExecuteUpdateAsync(u => u.SetProperty(o => o.ResetChangedItemsOnUpgrade, true), Cancel);
            await db.ChecklistItems.BypassTenantFilter().Where(i => i.ProjectId == apollo && i.ItemSlug == "changelog")
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.RetiredAt, new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc)), Cancel);
            await db.ChecklistItems.BypassTenantFilter().Where(i => i.ProjectId == apollo && i.ItemSlug == "roadmap")
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.DefinitionChangedAt, new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc)), Cancel);
        });

        var role = await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().CreateAsync(world.Ada, world.Acme, new("Reviewer", "Reviews checklists", ["update_checklists"]), Cancel));
        await world.Core.InScopeAsync(sp => sp.GetRequiredService<RoleTemplateService>().AssignAsync(world.Ada, world.Acme, role.Id, new(world.Ben.UserId), Cancel));
        return world;
    }

    private static Task<OrganizationArchive> ExportAsync(CoreServices core, Caller caller, Guid organizationId)
        => core.InScopeAsync(sp => sp.GetRequiredService<OrganizationArchiveService>().ExportAsync(caller, organizationId, Cancel));

    private static Task<OrganizationSummary> ImportAsync(CoreServices core, Caller caller, OrganizationArchive archive)
        => core.InScopeAsync(sp => sp.GetRequiredService<OrganizationArchiveService>().ImportAsync(caller, archive, Cancel));

    /// <summary>Through the bytes, as a file would travel.</summary>
    private static OrganizationArchive Reparse(OrganizationArchive archive) => OrganizationArchiveJson.Deserialize(OrganizationArchiveJson.Serialize(archive))!;

    /// <summary>
    /// The archive as JSON with what must differ taken out: ids become their order of first appearance, the export and
    /// organization creation times go, members are compared on their own, and an address other than
    /// <paramref name="keepEmail"/> (the importer's) becomes null, which is what the import does with it.
    /// </summary>
    private static string Normalized(OrganizationArchive archive, string keepEmail)
    {
        var node = JsonNode.Parse(OrganizationArchiveJson.Serialize(archive))!.AsObject();
        node.Remove("exportedAt");
        node.Remove("members");
        node["organization"]!.AsObject().Remove("createdAt");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject o:
                    foreach (var (name, value) in o.ToList())
                    {
                        if (value is JsonValue v && v.TryGetValue<string>(out var text))
                        {
                            if ((name == "id" || name.EndsWith("Id", StringComparison.Ordinal)) && Guid.TryParse(text, out _))
                            {
                                o[name] = ids.TryGetValue(text, out var known) ? known : ids[text] = $"#{ids.Count}";
                            }
                            else if (name.EndsWith("Email", StringComparison.Ordinal) && text != keepEmail)
                            {
                                o[name] = null;
                            }
                        }
                        else
                        {
                            Walk(value);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var element in a)
                    {
                        Walk(element);
                    }

                    break;
            }
        }

        Walk(node);
        return node.ToJsonString();
    }

    private static IEnumerable<string> PropertyNames(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => (p.Key == "files" ? [] : p.Value is null ? [] : PropertyNames(p.Value)).Prepend(p.Key)),
        JsonArray a => a.Where(e => e is not null).SelectMany(e => PropertyNames(e!)),
        _ => [],
    };

    private static OrganizationArchive Tamper(OrganizationArchive archive, string tampering)
    {
        var projects = archive.Projects.ToList();
        var first = projects[0];
        var item = first.Items[0];
        OrganizationArchive WithItem(ArchivedChecklistItem changed)
            => archive with { Projects = [first with { Items = [changed, .. first.Items.Skip(1)] }, .. projects.Skip(1)] };
        return tampering switch
        {
            "dangling department" => archive with { Projects = [first with { DepartmentId = Guid.NewGuid() }, .. projects.Skip(1)] },
            "wrong version" => archive with { Version = 2 },
            "wrong format" => archive with { Format = "engineering-framework.project" },
            "oversized notes" => WithItem(item with { Notes = new string('n', 20_001) }),
            "NUL in a department name" => archive with { Departments = [archive.Departments[0] with { Name = "Engi\0neering" }, .. archive.Departments.Skip(1)] },
            "history of an item of another project" => archive with { Activity = [archive.Activity[0] with { ChecklistItemId = projects[1].Items[0].Id }, .. archive.Activity.Skip(1)] },
            "duplicate item slug" => archive with { Projects = [first, projects[1] with { Items = [projects[1].Items[0], projects[1].Items[1] with { ItemSlug = projects[1].Items[0].ItemSlug }, .. projects[1].Items.Skip(2)] }] },
            "javascript evidence link" => WithItem(item with { EvidenceLinks = ["javascript:alert(1)"] }),
            "unknown permission" => archive with { RoleTemplates = [archive.RoleTemplates[0] with { Permissions = ["own_everything"] }] },
            "framework content changed" => archive with { Framework = archive.Framework with { Files = archive.Framework.Files!.ToDictionary(f => f.Key, f => f.Key.EndsWith(".md", StringComparison.Ordinal) ? f.Value + "\nInjected.\n" : f.Value) } },
            "status out of range" => WithItem(item with { Status = (ChecklistItemStatus)42 }),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };
    }

    private static Task<string> CountsAsync(CoreServices core) => core.InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var counts = new[]
        {
            await db.Organizations.BypassTenantFilter().CountAsync(Cancel),
            await db.Memberships.BypassTenantFilter().CountAsync(Cancel),
            await db.Departments.BypassTenantFilter().CountAsync(Cancel),
            await db.Projects.BypassTenantFilter().CountAsync(Cancel),
            await db.ChecklistItems.BypassTenantFilter().CountAsync(Cancel),
            await db.ActivityEntries.BypassTenantFilter().CountAsync(Cancel),
            await db.RoleTemplates.BypassTenantFilter().CountAsync(Cancel),
            await db.FrameworkVersions.BypassTenantFilter().CountAsync(Cancel),
            await db.RelationshipTuples.BypassTenantFilter().CountAsync(Cancel),
            await db.TupleChanges.CountAsync(Cancel),
        };
        return string.Join(",", counts);
    });

    private sealed class MemberComparer : IEqualityComparer<ArchivedMember>
    {
        public static readonly MemberComparer Instance = new();

        public bool Equals(ArchivedMember? x, ArchivedMember? y)
            => x is not null && y is not null && x.Email == y.Email && x.Role == y.Role && x.RoleTemplates.SequenceEqual(y.RoleTemplates);

        public int GetHashCode(ArchivedMember obj) => obj.Email.GetHashCode(StringComparison.Ordinal);
    }
}
