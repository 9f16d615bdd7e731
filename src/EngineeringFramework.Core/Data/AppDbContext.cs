using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.DataProtection;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// The product's database. Provider-specific subclasses (<see cref="SqliteAppDbContext"/>,
/// <see cref="PostgresAppDbContext"/>) exist only so each provider owns its migrations.
/// </summary>
/// <remarks>
/// Contexts are pooled (<see cref="DataServiceCollectionExtensions.AddAppData"/>): building one costs more than
/// most of the queries a request runs. So the tenant is not a constructor dependency but is handed to each lease
/// by <see cref="ForTenant"/>, and forgotten when the lease ends (<see cref="Dispose"/>), so a context can never
/// carry one request's organization into the next: without a tenant, every tenant-filtered query finds nothing.
/// </remarks>
public abstract partial class AppDbContext(DbContextOptions options) : DbContext(options)
{
    private ITenantContext? tenant;

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<User> Users => Set<User>();

    public DbSet<DeletedAccount> DeletedAccounts => Set<DeletedAccount>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ChecklistItem> ChecklistItems => Set<ChecklistItem>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<RoleTemplate> RoleTemplates => Set<RoleTemplate>();

    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();

    public DbSet<ActivityEntry> ActivityEntries => Set<ActivityEntry>();

    public DbSet<SignOff.SignOffRequest> SignOffRequests => Set<SignOff.SignOffRequest>();

    public DbSet<Evidence.EvidenceCheck> EvidenceChecks => Set<Evidence.EvidenceCheck>();

    public DbSet<ServiceAccounts.ServiceAccount> ServiceAccounts => Set<ServiceAccounts.ServiceAccount>();

    public DbSet<ServiceAccounts.ServiceAccountToken> ServiceAccountTokens => Set<ServiceAccounts.ServiceAccountToken>();

    public DbSet<RelationshipTuple> RelationshipTuples => Set<RelationshipTuple>();

    public DbSet<TupleChange> TupleChanges => Set<TupleChange>();

    public DbSet<FrameworkVersion> FrameworkVersions => Set<FrameworkVersion>();

    public DbSet<FrameworkVersionItem> FrameworkVersionItems => Set<FrameworkVersionItem>();

    public DbSet<FrameworkVersionTemplate> FrameworkVersionTemplates => Set<FrameworkVersionTemplate>();

    public DbSet<GitHubSyncSettings> GitHubSyncSettings => Set<GitHubSyncSettings>();

    public DbSet<GitHubSyncJob> GitHubSyncJobs => Set<GitHubSyncJob>();

    public DbSet<GitHubWebhookDelivery> GitHubWebhookDeliveries => Set<GitHubWebhookDelivery>();

    public DbSet<FrameworkCheck> FrameworkChecks => Set<FrameworkCheck>();

    /// <summary>Outgoing mail (not organization-owned: no tenant filter applies, see <see cref="Mail.QueuedMail"/>).</summary>
    public DbSet<QueuedMail> QueuedMail => Set<QueuedMail>();

    /// <summary>The data-protection key ring shared by every instance (not organization-owned, see <see cref="KeyRingEntry"/>).</summary>
    public DbSet<KeyRingEntry> KeyRingEntries => Set<KeyRingEntry>();

    /// <summary>
    /// Read by the tenant query filter on every query. <see cref="Guid.Empty"/> when no tenant is set:
    /// no row has that organization id, so an unscoped query returns nothing.
    /// </summary>
    internal Guid CurrentOrganizationId => tenant?.OrganizationId ?? Guid.Empty;

    /// <summary>Scopes this lease of the context to <paramref name="scope"/>'s organization (read on every query).</summary>
    public AppDbContext ForTenant(ITenantContext scope)
    {
        tenant = scope;
        PendingSignals.Clear();
        return this;
    }

    /// <summary>Cache signals of saved but not yet committed relationship changes (<see cref="Signals.AfterCommitSignals"/>).</summary>
    internal List<Signals.CacheSignal> PendingSignals { get; } = [];

    /// <summary>Ends the lease: the tenant is forgotten before the context goes back to the pool.</summary>
    public override void Dispose()
    {
        tenant = null;
        PendingSignals.Clear();
        base.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public override ValueTask DisposeAsync()
    {
        tenant = null;
        PendingSignals.Clear();
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly, t => t.Namespace?.StartsWith("EngineeringFramework.Core", StringComparison.Ordinal) == true);
        ApplyTenantFilters(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and stable when members are reordered.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (Database.IsNpgsql() && ChangeTracker.Entries<TupleChange>().Any(e => e.State == EntityState.Added))
        {
            throw new InvalidOperationException("Permission changes must be saved with SaveChangesAsync, which serializes them.");
        }

        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        if (!Database.IsNpgsql() || !ChangeTracker.Entries<TupleChange>().Any(e => e.State == EntityState.Added))
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // Permission changes commit one at a time cluster-wide, so outbox sequence order is commit order
        // and no engine following the outbox can skip a change committed late with an earlier number.
        var owned = Database.CurrentTransaction is null;
        var transaction = Database.CurrentTransaction ?? await Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7209117001)", cancellationToken);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (owned)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            if (owned)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                // The original value stays in the UPDATE's WHERE clause, so a stale writer updates 0 rows.
                entry.Entity.Version = entry.OriginalValues.GetValue<long>(nameof(IVersioned.Version)) + 1;
            }
        }
    }
}
