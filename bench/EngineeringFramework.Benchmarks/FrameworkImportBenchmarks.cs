using BenchmarkDotNet.Attributes;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Benchmarks;

/// <summary>
/// A 100-item, 120-file framework folder (see <see cref="FrameworkData"/>): parse + validate + hash, and
/// parse + import into a fresh SQLite database. Target: under 1 s end to end.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[Config(typeof(MedianP95Config))]
public class FrameworkImportBenchmarks
{
    private string _folder = null!;
    private string? _databaseFile;

    [GlobalSetup]
    public void Setup()
    {
        _folder = FrameworkData.Generate();
        var definition = Parse();
        if (definition.ItemCount != FrameworkData.Items || definition.Templates.Length != FrameworkData.Templates)
        {
            throw new InvalidOperationException($"parsed {definition.ItemCount} items and {definition.Templates.Length} templates");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        DeleteDatabase();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Reads the 120 files, validates everything and computes the content hash.</summary>
    [Benchmark]
    public string Parse_validate_hash() => FrameworkHasher.ComputeHash(Parse());

    [IterationSetup(Target = nameof(Parse_import_into_fresh_sqlite))]
    public void CreateMigratedDatabase()
    {
        _databaseFile = NewDatabaseFile();
        using var db = CreateContext(_databaseFile);
        db.Database.Migrate();
    }

    [IterationCleanup(Target = nameof(Parse_import_into_fresh_sqlite))]
    public void DeleteDatabase()
    {
        if (_databaseFile is not null)
        {
            File.Delete(_databaseFile);
            _databaseFile = null;
        }
    }

    /// <summary>Parse + validate + import (one transaction) into an empty, already migrated SQLite file.</summary>
    [Benchmark]
    public async Task<int> Parse_import_into_fresh_sqlite()
    {
        await using var db = CreateContext(_databaseFile!);
        var result = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(Parse(), null, "benchmark", CancellationToken.None);
        return result.Version.ItemCount;
    }

    /// <summary>End to end including the database: create the SQLite file, run every migration, parse, import, delete.</summary>
    [Benchmark]
    public async Task<int> Create_migrate_parse_import_sqlite()
    {
        var file = NewDatabaseFile();
        try
        {
            await using var db = CreateContext(file);
            await db.Database.MigrateAsync();
            var result = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(Parse(), null, "benchmark", CancellationToken.None);
            return result.Version.ItemCount;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private FrameworkDefinition Parse()
    {
        var result = FrameworkParser.ParsePath(_folder);
        return result.Definition ?? throw new InvalidOperationException(
            "generated framework is invalid: " + string.Join("; ", result.Errors.Take(5).Select(e => e.ToString())));
    }

    private static string NewDatabaseFile() => Path.Combine(Path.GetTempPath(), $"ef-bench-{Guid.NewGuid():N}.db");

    private static AppDbContext CreateContext(string file)
    {
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlite(options, $"Data Source={file};Pooling=False");
        return new SqliteAppDbContext(options.Options).ForTenant(new TenantContext());
    }
}
