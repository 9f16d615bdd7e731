using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EngineeringFramework.Server.Identity.Store;

internal static partial class IdentityStoreRegistration
{
    public static IServiceCollection AddIdentityStore(this IServiceCollection services, DatabaseConnection connection)
    {
        switch (connection.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContext<SqliteIdentityStoreDbContext>(o => ConfigureSqlite(o, connection.ConnectionString));
                services.AddScoped<IdentityStoreDbContext>(sp => sp.GetRequiredService<SqliteIdentityStoreDbContext>());
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContext<PostgresIdentityStoreDbContext>(o => ConfigurePostgres(o, connection.ConnectionString));
                services.AddScoped<IdentityStoreDbContext>(sp => sp.GetRequiredService<PostgresIdentityStoreDbContext>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(connection), connection.Provider, "Unknown database provider.");
        }

        return services;
    }

    /// <summary>Applies the identity store's pending migrations; a no-op when the embedded authority is off.</summary>
    public static async Task MigrateIdentityStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetService<IdentityStoreDbContext>();
        if (db is null)
        {
            return;
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IdentityStoreRegistration)), pending.Count);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString)
    {
        SqliteThreading.Apply();
        options.UseSqlite(connectionString, o => o.MigrationsHistoryTable(IdentityStoreDbContext.MigrationsHistoryTable))
            .AddInterceptors(SqliteBusyTimeout.Instance);
    }

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString)
        => options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(IdentityStoreDbContext.MigrationsHistoryTable));

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} identity store migration(s)")]
    private static partial void LogMigrating(ILogger logger, int count);
}

// Used only by `dotnet ef migrations add`; the connection strings are placeholders never opened.
internal sealed class SqliteIdentityStoreDesignTimeFactory : IDesignTimeDbContextFactory<SqliteIdentityStoreDbContext>
{
    public SqliteIdentityStoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteIdentityStoreDbContext>();
        IdentityStoreRegistration.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteIdentityStoreDbContext(options.Options);
    }
}

internal sealed class PostgresIdentityStoreDesignTimeFactory : IDesignTimeDbContextFactory<PostgresIdentityStoreDbContext>
{
    public PostgresIdentityStoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresIdentityStoreDbContext>();
        IdentityStoreRegistration.ConfigurePostgres(options, "Host=localhost;Database=design_time");
        return new PostgresIdentityStoreDbContext(options.Options);
    }
}
