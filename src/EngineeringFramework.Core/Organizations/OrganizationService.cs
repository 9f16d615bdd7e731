using System.Text;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Organizations;

/// <summary>Organization use cases: validate, authorize through the relationship model, then touch data.</summary>
public sealed partial class OrganizationService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time)
{
    private const string What = "Organization";

    /// <summary>Onboarding: any signed-in user may create an organization and becomes its admin.</summary>
    public async Task<OrganizationSummary> CreateAsync(Caller caller, CreateOrganizationRequest request, CancellationToken cancellationToken)
    {
        await new CreateOrganizationValidator().ValidateAndThrowAsync(request, cancellationToken);
        var slug = request.Slug ?? Slugify(request.Name);
        // Slugs are global: the uniqueness check must see every organization, not only the caller's.
        if (await db.Organizations.BypassTenantFilter().AnyAsync(o => o.Slug == slug, cancellationToken))
        {
            throw new ConflictException($"The slug '{slug}' is taken; choose another.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var organization = new Organization { Name = request.Name.Trim(), Slug = slug, CreatedAt = now };
        tenant.Set(organization.Id);
        db.Organizations.Add(organization);
        db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = caller.UserId, Role = MembershipRole.Admin, CreatedAt = now });
        WriteNewOrganizationTuples(relationships, organization.Id, caller.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return new OrganizationSummary(organization.Id, organization.Name, organization.Slug, organization.Plan, MembershipRole.Admin, organization.CreatedAt);
    }

    public async Task<OrganizationSummary> GetAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);
        var role = await db.Memberships.Where(m => m.UserId == caller.UserId).Select(m => (MembershipRole?)m.Role).SingleOrDefaultAsync(cancellationToken);
        return new OrganizationSummary(organization.Id, organization.Name, organization.Slug, organization.Plan, role, organization.CreatedAt);
    }

    /// <summary>
    /// The settings of an organization, for those who may change something there: its admins (rename, delete)
    /// and system super-admins (plan). A member who may do neither is refused (403); anyone else, including a
    /// caller outside the organization, finds nothing (404).
    /// </summary>
    public async Task<OrganizationSettings> GetSettingsAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        var @object = Fga.Organization(organizationId);
        var canRename = await authorizer.CheckAsync(caller, "can_rename", @object, cancellationToken);
        var canDelete = await authorizer.CheckAsync(caller, "can_delete", @object, cancellationToken);
        var canChangePlan = await authorizer.CheckAsync(caller, "can_change_plan", @object, cancellationToken);
        if (!canRename && !canDelete && !canChangePlan)
        {
            await authorizer.EnsureAsync(caller, "can_rename", @object, "can_view", What, cancellationToken);
        }

        tenant.Set(organizationId);
        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);
        var role = await db.Memberships.Where(m => m.UserId == caller.UserId).Select(m => (MembershipRole?)m.Role).SingleOrDefaultAsync(cancellationToken);
        var summary = new OrganizationSummary(organization.Id, organization.Name, organization.Slug, organization.Plan, role, organization.CreatedAt);
        return new OrganizationSettings(summary, canRename, canDelete, canChangePlan);
    }

    public async Task<OrganizationSummary> RenameAsync(Caller caller, Guid organizationId, RenameOrganizationRequest request, CancellationToken cancellationToken)
    {
        await new RenameOrganizationValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_rename", Fga.Organization(organizationId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);
        organization.Name = request.Name.Trim();
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(caller, organizationId, cancellationToken);
    }

    /// <summary>Plans change only through a system super-admin (granted by an operator command), never by organization admins.</summary>
    public async Task<OrganizationSummary> ChangePlanAsync(Caller caller, Guid organizationId, ChangePlanRequest request, CancellationToken cancellationToken)
    {
        await new ChangePlanValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_change_plan", Fga.Organization(organizationId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);
        organization.Plan = request.Plan;
        await db.SaveChangesAsync(cancellationToken);
        return new OrganizationSummary(organization.Id, organization.Name, organization.Slug, organization.Plan, null, organization.CreatedAt);
    }

    /// <summary>Deletes the organization and everything it owns; the caller confirms by typing its exact name.</summary>
    public async Task DeleteAsync(Caller caller, Guid organizationId, DeleteOrganizationRequest request, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_delete", Fga.Organization(organizationId), "can_view", What, cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException(What);
        if (!string.Equals(request.ConfirmName, organization.Name, StringComparison.Ordinal))
        {
            throw new ValidationException([new FluentValidation.Results.ValidationFailure(nameof(DeleteOrganizationRequest.ConfirmName), "Type the organization's exact name to confirm.")]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await relationships.DeleteAllOfOrganizationAsync(organizationId, cancellationToken);
        db.Organizations.Remove(organization);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The caller's own organizations, across tenants (the only cross-tenant read of this feature).</summary>
    public async Task<IReadOnlyList<OrganizationSummary>> ListMineAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.ServiceAccount)
        {
            // A service account belongs to the one organization that made it, without a membership, so without a role.
            return await db.ServiceAccounts.BypassTenantFilter()
                .Where(a => a.UserId == caller.UserId)
                .Join(db.Organizations.BypassTenantFilter(), a => a.OrganizationId, o => o.Id, (a, o) => new OrganizationSummary(o.Id, o.Name, o.Slug, o.Plan, null, o.CreatedAt))
                .ToListAsync(cancellationToken);
        }

        return await db.Memberships.BypassTenantFilter()
            .Where(m => m.UserId == caller.UserId)
            .OrderBy(m => m.Organization!.Name).ThenBy(m => m.OrganizationId)
            .Select(m => new OrganizationSummary(m.OrganizationId, m.Organization!.Name, m.Organization.Slug, m.Organization.Plan, m.Role, m.Organization.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The tuples every new organization starts with: its one admin, the system it belongs to, its MCP server. Shared
    /// by onboarding and by import from an archive, so both leave the authorization model in the same state.
    /// </summary>
    internal static void WriteNewOrganizationTuples(RelationshipWriter relationships, Guid organizationId, Guid adminUserId)
    {
        relationships.Write(organizationId, Fga.Organization(organizationId), "admin", Fga.User(adminUserId));
        relationships.Write(organizationId, Fga.Organization(organizationId), "system", Fga.SystemObject);
        relationships.Write(organizationId, Fga.McpServer(organizationId), "organization", Fga.Organization(organizationId));
    }

    internal static string Slugify(string name)
    {
        var ascii = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            ascii.Append(char.IsAsciiLetterOrDigit(c) ? c : c is ' ' or '-' or '_' or '.' ? '-' : '\0');
        }

        var slug = Dashes().Replace(ascii.ToString().Replace("\0", string.Empty, StringComparison.Ordinal), "-").Trim('-');
        slug = slug.Length > 50 ? slug[..50].TrimEnd('-') : slug;
        return slug.Length == 0 ? "org-" + Guid.NewGuid().ToString("N")[..8] : slug;
    }

    [GeneratedRegex("-{2,}")]
    private static partial Regex Dashes();
}
