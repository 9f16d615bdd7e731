using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AppDbContext"/> for the configured provider and the scoped tenant.</summary>
    public static IServiceCollection AddAppData(this IServiceCollection services, DatabaseConnection connection)
    {
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        services.AddSingleton(connection);

        switch (connection.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContext<SqliteAppDbContext>(o => ConfigureSqlite(o, connection.ConnectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContext<PostgresAppDbContext>(o => ConfigurePostgres(o, connection.ConnectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(connection), connection.Provider, "Unknown database provider.");
        }

        return services;
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString)
        => options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString)
        => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));
}
