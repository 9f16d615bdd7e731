using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Identity.Store;

/// <summary>
/// The embedded authority's tables (ASP.NET Core Identity accounts and OpenIddict clients, authorizations and
/// tokens). Same database as the app, own context and own migrations history, so the authority can be switched
/// off (external mode) without touching the product's schema. Provider subclasses own the migrations.
/// </summary>
internal abstract class IdentityStoreDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options)
{
    public const string MigrationsHistoryTable = "__EFMigrationsHistory_Identity";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        // A Client ID Metadata Document client's id is its URL, far longer than OpenIddict's default of 100 characters.
        builder.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
            .Property(a => a.ClientId)
            .HasMaxLength(Registration.MetadataDocumentUrl.MaxLength);
    }
}

internal sealed class SqliteIdentityStoreDbContext(DbContextOptions<SqliteIdentityStoreDbContext> options) : IdentityStoreDbContext(options);

internal sealed class PostgresIdentityStoreDbContext(DbContextOptions<PostgresIdentityStoreDbContext> options) : IdentityStoreDbContext(options);
