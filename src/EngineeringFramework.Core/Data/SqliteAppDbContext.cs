using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Data;

/// <summary>The embedded default: one SQLite file in the data folder.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options)
    : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite keeps times as text without a kind; every time this product stores is UTC, so say so on
        // the way out (PostgreSQL's timestamptz already does). Clients then get RFC 3339 times with their Z.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcKindConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcKindConverter>();
    }

    private sealed class UtcKindConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value,
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
