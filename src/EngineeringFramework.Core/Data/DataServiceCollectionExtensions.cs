using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AppDbContext"/> for the configured provider and the scoped tenant. Contexts come from a
    /// pool (a context's construction, with its internal services, cost more CPU than the statements of a typical API
    /// request); each scope leases one, hands it the scope's tenant, and returns it when the scope ends. Only
    /// <see cref="AppDbContext"/> is registered for use: the provider's factory is an implementation detail.
    /// </summary>
    public static IServiceCollection AddAppData(this IServiceCollection services, DatabaseConnection connection)
    {
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        services.AddSingleton(connection);
        services.AddSingleton<Signals.ClusterSignals>();
        services.AddSingleton<Signals.AfterCommitSignals>();
        services.AddSingleton<Signals.AfterCommitTransactionSignals>();

        switch (connection.Provider)
        {
            case DatabaseProvider.Sqlite:
                // Before anything can open a connection: the threading mode is fixed at SQLite's initialization.
                SqliteThreading.Apply();
                services.AddPooledDbContextFactory<SqliteAppDbContext>((sp, o) => WithSignals(sp, ConfigureSqlite(o, connection.ConnectionString)));
                services.AddScoped<AppDbContext>(Lease<SqliteAppDbContext>);
                break;
            case DatabaseProvider.Postgres:
                services.AddPooledDbContextFactory<PostgresAppDbContext>((sp, o) => WithSignals(sp, ConfigurePostgres(o, connection.ConnectionString)));

                // Other instances' signals; SQLite deployments are a single process and have none.
                services.AddSingleton<Signals.ClusterSignalListener>();
                services.AddHostedService(sp => sp.GetRequiredService<Signals.ClusterSignalListener>());
                services.AddScoped<AppDbContext>(Lease<PostgresAppDbContext>);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(connection), connection.Provider, "Unknown database provider.");
        }

        return services;
    }

    /// <summary>The scope's context: leased from the pool, scoped to the scope's tenant, returned when the scope disposes it.</summary>
    private static AppDbContext Lease<TContext>(IServiceProvider services)
        where TContext : AppDbContext
        => services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext().ForTenant(services.GetRequiredService<ITenantContext>());

    internal static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder options, string connectionString)
    {
        SqliteThreading.Apply();
        return options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName))
            .AddInterceptors(SqliteBusyTimeout.Instance);
    }

    internal static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder options, string connectionString)
        => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));

    /// <summary>Caches hear of relationship changes once they commit (<see cref="Signals.AfterCommitSignals"/>).</summary>
    private static void WithSignals(IServiceProvider services, DbContextOptionsBuilder options)
        => options.AddInterceptors(services.GetRequiredService<Signals.AfterCommitSignals>(), services.GetRequiredService<Signals.AfterCommitTransactionSignals>());
}
