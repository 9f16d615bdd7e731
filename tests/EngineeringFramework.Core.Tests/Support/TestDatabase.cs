using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EngineeringFramework.Testing;

/// <summary>
/// A throw-away database for one test (or fixture): a SQLite file in the temp folder, or a fresh
/// PostgreSQL database on the server named by <c>EF_TEST_POSTGRES</c>. <c>EF_TEST_DATABASE=postgres</c>
/// makes PostgreSQL the default for the whole suite (CI runs the suite once per provider).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "EF_TEST_DATABASE";
    public const string PostgresVariable = "EF_TEST_POSTGRES";

    private readonly string? sqliteFile;
    private readonly string? postgresAdmin;
    private readonly string? postgresName;

    private TestDatabase(DatabaseConnection connection, string? sqliteFile, string? postgresAdmin, string? postgresName)
    {
        Connection = connection;
        this.sqliteFile = sqliteFile;
        this.postgresAdmin = postgresAdmin;
        this.postgresName = postgresName;
    }

    public DatabaseConnection Connection { get; }

    /// <summary>The DATABASE_URL value that points the server at this database.</summary>
    public string DatabaseUrl => Connection.ConnectionString;

    public static DatabaseProvider DefaultProvider =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    /// <summary>Skips the calling test, with a message saying how to enable it, when PostgreSQL is wanted but not configured.</summary>
    public static void SkipUnlessAvailable(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)))
        {
            Assert.Skip($"PostgreSQL tests need a server: set {PostgresVariable} to an Npgsql connection string of a user allowed to create databases (.ci/run starts one).");
        }
    }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider? provider = null, bool migrate = true)
    {
        var chosen = provider ?? DefaultProvider;
        SkipUnlessAvailable(chosen);
        TestDatabase database;
        if (chosen == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"ef-test-{Guid.NewGuid():N}.db");
            database = new TestDatabase(new DatabaseConnection(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False"), file, null, null);
        }
        else
        {
            var admin = Environment.GetEnvironmentVariable(PostgresVariable)!;
            var name = $"ef_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await command.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            database = new TestDatabase(new DatabaseConnection(DatabaseProvider.Postgres, builder.ConnectionString), null, admin, name);
        }

        if (migrate)
        {
            await using var db = database.CreateContext(new TenantContext());
            await db.Database.MigrateAsync();
        }

        return database;
    }

    public AppDbContext CreateContext(ITenantContext tenant)
    {
        if (Connection.Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
            DataServiceCollectionExtensions.ConfigureSqlite(options, Connection.ConnectionString);
            return new SqliteAppDbContext(options.Options).ForTenant(tenant);
        }
        else
        {
            var options = new DbContextOptionsBuilder<PostgresAppDbContext>();
            DataServiceCollectionExtensions.ConfigurePostgres(options, Connection.ConnectionString);
            return new PostgresAppDbContext(options.Options).ForTenant(tenant);
        }
    }

    public AppDbContext CreateContext(Guid? organizationId = null)
    {
        var tenant = new TenantContext();
        if (organizationId is { } id)
        {
            tenant.Set(id);
        }

        return CreateContext(tenant);
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteFile is not null)
        {
            // A server migrates its database into write-ahead logging, which keeps two files beside it.
            File.Delete(sqliteFile);
            File.Delete(sqliteFile + "-wal");
            File.Delete(sqliteFile + "-shm");
            File.Delete(sqliteFile + ".lock");
        }

        if (postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
