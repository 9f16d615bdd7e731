using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EngineeringFramework.Core.Data;

// Used only by `dotnet ef migrations add`; the connection strings are placeholders never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
        DataServiceCollectionExtensions.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteAppDbContext(options.Options);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>();
        DataServiceCollectionExtensions.ConfigurePostgres(options, "Host=localhost;Database=design_time");
        return new PostgresAppDbContext(options.Options);
    }
}
