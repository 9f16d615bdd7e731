using EngineeringFramework.Core.Checklists;
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
        configurationBuilder.Properties<DateTime>().HaveConversion<SqliteConversions.UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<SqliteConversions.UtcDateTimeConverter>();
        configurationBuilder.Properties<DateOnly>().HaveConversion<SqliteConversions.DateOnlyConverter>();
        configurationBuilder.Properties<DateOnly?>().HaveConversion<SqliteConversions.DateOnlyConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // The same JSON array text EF Core's primitive collection keeps (no migration), read without reflection.
        modelBuilder.Entity<ChecklistItem>().Property(i => i.EvidenceLinks)
            .HasConversion(new SqliteConversions.StringListConverter(), new SqliteConversions.StringListComparer());
        SqliteItemStates.Register(modelBuilder);
    }
}
