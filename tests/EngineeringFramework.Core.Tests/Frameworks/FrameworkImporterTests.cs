using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class FrameworkImporterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Import_then_export_then_import_gives_the_same_version_hash(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var original = FrameworkParser.ParsePath(Repository.InRepository("content", "default-framework")).Definition!;

        await using var db = database.CreateContext();
        var first = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(original, null, "builtin", Cancel);
        var exported = await new FrameworkVersionReader(db).LoadAsync(first.Version.Id, Cancel);
        using var zip = new MemoryStream();
        FrameworkExporter.WriteZip(exported!, zip);
        zip.Position = 0;
        var reparsed = FrameworkParser.Parse(FrameworkSource.FromZip(zip));
        var second = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(reparsed.Definition!, null, "import", Cancel);

        Assert.True(reparsed.IsValid, string.Join("\n", reparsed.Errors));
        Assert.Equal(FrameworkHasher.ComputeHash(original), first.Version.ContentHash);
        Assert.Equal(first.Version.ContentHash, FrameworkHasher.ComputeHash(reparsed.Definition!));
        Assert.Equal(first.Version.Id, second.Version.Id);
        Assert.False(second.Created);
        Assert.Equal(original.ItemCount, first.Version.ItemCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Changed_content_becomes_a_new_current_version_and_the_old_one_is_kept(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var fixture = FrameworkFixture.Valid();
        var before = fixture.ParseValid();
        fixture.Item(0, 0, 0).Set("name", "\"Renamed item\"");
        var after = fixture.ParseValid();

        await using var db = database.CreateContext();
        var importer = new FrameworkImporter(db, TimeProvider.System);
        var v1 = await importer.ImportAsync(before, null, "builtin", Cancel);
        var v2 = await importer.ImportAsync(after, null, "builtin", Cancel);

        var versions = await db.FrameworkVersions.AsNoTracking().OrderBy(v => v.ImportedAt).ThenBy(v => v.Id).ToListAsync(Cancel);
        Assert.True(v2.Created);
        Assert.NotEqual(v1.Version.ContentHash, v2.Version.ContentHash);
        Assert.Equal([false, true], versions.Select(v => v.IsCurrent));
        Assert.Equal(v2.Version.Id, (await new FrameworkVersionReader(db).GetEffectiveAsync(Cancel))!.Id);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Organization_framework_is_effective_for_it_and_invisible_to_others(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var setup = database.CreateContext())
        {
            setup.Organizations.AddRange(
                new Organization { Id = a, Name = "A", Slug = "a" },
                new Organization { Id = b, Name = "B", Slug = "b" });
            await setup.SaveChangesAsync(Cancel);
        }

        var system = FrameworkFixture.Valid().ParseValid();
        var custom = FrameworkFixture.Valid();
        custom.Item(0, 0, 0).Set("name", "\"Only for A\"");
        Guid systemVersion, customVersion;
        await using (var db = database.CreateContext())
        {
            systemVersion = (await new FrameworkImporter(db, TimeProvider.System).ImportAsync(system, null, "builtin", Cancel)).Version.Id;
            customVersion = (await new FrameworkImporter(db, TimeProvider.System).ImportAsync(custom.ParseValid(), a, "github:abc", Cancel)).Version.Id;
        }

        await using var asA = database.CreateContext(a);
        await using var asB = database.CreateContext(b);
        await using var asNobody = database.CreateContext();

        Assert.Equal(customVersion, (await new FrameworkVersionReader(asA).GetEffectiveAsync(Cancel))!.Id);
        Assert.Equal(systemVersion, (await new FrameworkVersionReader(asB).GetEffectiveAsync(Cancel))!.Id);
        Assert.Null(await new FrameworkVersionReader(asB).LoadAsync(customVersion, Cancel));
        Assert.DoesNotContain(await asB.FrameworkVersionItems.Select(i => i.Name).ToListAsync(Cancel), n => n == "Only for A");
        Assert.Equal([systemVersion], await asNobody.FrameworkVersions.Select(v => v.Id).ToListAsync(Cancel));
    }
}

public sealed class SystemFrameworkSeederTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_built_in_framework_does_not_replace_one_a_super_admin_edited()
    {
        await using var database = await TestDatabase.CreateAsync();
        var builtIn = Directory.CreateTempSubdirectory("ef-builtin-").FullName;
        var fixture = FrameworkFixture.Valid();
        fixture.WriteTo(builtIn);
        await using var db = database.CreateContext();
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        await SystemFrameworkSeeder.SeedAsync(db, TimeProvider.System, builtIn, logger, Cancel);
        fixture.Item(0, 0, 0).Set("name", "\"Edited by a super-admin\"");
        var edited = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(fixture.ParseValid(), null, SystemFrameworkService.EditSource, Cancel);
        var release = FrameworkFixture.Valid();
        release.Item(0, 0, 1).Set("name", "\"Changed in a new release\"");
        Directory.Delete(builtIn, recursive: true);
        Directory.CreateDirectory(builtIn);
        release.WriteTo(builtIn);
        var seeded = await SystemFrameworkSeeder.SeedAsync(db, TimeProvider.System, builtIn, logger, Cancel);

        Assert.True(seeded.Created);
        Assert.False(seeded.BecameCurrent);
        Assert.Equal(edited.Version.Id, (await new FrameworkVersionReader(db).GetEffectiveAsync(Cancel))!.Id);
        Directory.Delete(builtIn, recursive: true);
    }
}
