using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.Extensions.DependencyInjection;
using static EngineeringFramework.Core.Tests.Frameworks.FrameworkDiffTests;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>The versions an organization sees: the system's and its own, numbered per scope, never another organization's.</summary>
public sealed class FrameworkVersionServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly FrameworkDefinition Small = new([Category("delivery", 1, Subcategory("planning", 1, Item("roadmap", 1)))], []);

    private static readonly FrameworkDefinition Bigger = new([Category("delivery", 1, Subcategory("planning", 1, Item("roadmap", 1), Item("backlog", 2)))], []);

    private static readonly FrameworkDefinition Own = new([Category("quality", 1, Subcategory("testing", 1, Item("unit-tests", 1)))], []);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Versions_are_numbered_per_scope_newest_first_with_their_source_importer_and_projects(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Small);
        await world.CreateProjectAsync();
        var edit = await ImportAsync(world, Bigger, null, new FrameworkOrigin(SystemFrameworkService.EditSource, world.Ada.UserId));
        var own = await ImportAsync(world, Own, world.Acme, new FrameworkOrigin("github:0123abc", Url: "https://github.com/acme/framework/commit/0123abc"));

        var versions = await Versions(world, world.Ben, (s, c) => s.ListAsync(c, world.Acme, Cancel));

        Assert.Equal(
            [
                (own, FrameworkScope.Organization, 1, FrameworkSourceKind.GitHub, "0123abc", (string?)null, true, 0),
                (edit, FrameworkScope.System, 2, FrameworkSourceKind.Edit, null, "ada", false, 0),
                (world.SystemFrameworkId, FrameworkScope.System, 1, FrameworkSourceKind.Builtin, null, null, false, 1),
            ],
            versions.Select(v => (v.Id, v.Scope, v.Number, v.Source, v.CommitSha, v.ImportedByName, v.IsEffective, v.ProjectCount)));
        Assert.Equal("https://github.com/acme/framework/commit/0123abc", versions[0].SourceUrl);
        Assert.Equal((2, 1), (versions[1].ItemCount, versions[2].ItemCount));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Another_organization_neither_lists_nor_compares_an_organizations_own_version_even_once_it_was_compared(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider, Small);
        var own = await ImportAsync(world, Own, world.Acme, "github:0123abc");

        var compared = await Versions(world, world.Ada, (s, c) => s.CompareAsync(c, world.Acme, world.SystemFrameworkId, own, Cancel));
        var theirs = await Versions(world, world.Eve, (s, c) => s.ListAsync(c, world.Evil, Cancel));

        Assert.Equal(("+1 item, \u22121, 0 changed", own), (compared.Diff.Summary, compared.To.Id));
        Assert.Equal([world.SystemFrameworkId], theirs.Select(v => v.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => Versions(world, world.Eve, (s, c) => s.CompareAsync(c, world.Evil, world.SystemFrameworkId, own, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Versions(world, world.Eve, (s, c) => s.GetAsync(c, world.Evil, own, Cancel)));
        await Assert.ThrowsAsync<NotFoundException>(() => Versions(world, world.Eve, (s, c) => s.ListAsync(c, world.Acme, Cancel)));
    }

    private static async Task<Guid> ImportAsync(ProjectWorld world, FrameworkDefinition framework, Guid? organization, FrameworkOrigin origin)
        => await world.Core.InScopeAsync(async sp => (await new FrameworkImporter(sp.GetRequiredService<AppDbContext>(), TimeProvider.System).ImportAsync(framework, organization, origin, Cancel)).Version.Id);

    private static Task<T> Versions<T>(ProjectWorld world, Caller caller, Func<FrameworkVersionService, Caller, Task<T>> action)
        => world.Core.InScopeAsync(sp => action(sp.GetRequiredService<FrameworkVersionService>(), caller));
}
