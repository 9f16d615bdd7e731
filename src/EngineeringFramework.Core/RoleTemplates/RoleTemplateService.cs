using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.RoleTemplates;

/// <summary>
/// Role templates: named bundles of catalog permissions. A template grants its permissions through tuples
/// <c>organization:{org}#{relation}@role:{id}#active_assignee</c>, written and deleted in the same save as
/// the template and its assignments, so what the template says and what the engine answers never part.
/// </summary>
public sealed class RoleTemplateService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time)
{
    private const string Organization = "Organization";
    private const string What = "Role template";

    public IReadOnlyList<Permission> Catalog => PermissionCatalog.All;

    public async Task<IReadOnlyList<RoleTemplateSummary>> ListAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var templates = await db.RoleTemplates.AsNoTracking().OrderBy(r => r.Name).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var assignments = await db.RoleAssignments.AsNoTracking().OrderBy(a => a.UserId).Select(a => new { a.RoleTemplateId, a.UserId }).ToListAsync(cancellationToken);
        var byTemplate = assignments.ToLookup(a => a.RoleTemplateId, a => a.UserId);
        return templates.ConvertAll(t => Summary(t, byTemplate[t.Id].ToList()));
    }

    public async Task<RoleTemplateSummary> GetAsync(Caller caller, Guid organizationId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        return await SummaryAsync(roleTemplateId, cancellationToken);
    }

    public async Task<RoleTemplateSummary> CreateAsync(Caller caller, Guid organizationId, CreateRoleTemplateRequest request, CancellationToken cancellationToken)
    {
        await RoleTemplateInputValidator.Instance.ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var name = request.Name.Trim();
        await EnsureNameFreeAsync(name, null, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var permissions = PermissionSet.From(request.Permissions);
        var template = new RoleTemplate
        {
            OrganizationId = organizationId,
            Name = name,
            Description = Blank(request.Description),
            PermissionsJson = permissions.Json,
            PermissionsHash = permissions.Hash,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.RoleTemplates.Add(template);
        WriteNewRoleTemplateTuples(relationships, template, permissions);

        await SaveAsync(name, cancellationToken);
        return Summary(template, []);
    }

    /// <summary>Replaces the template; the permission tuples follow in the same save (missing ones written, removed ones deleted).</summary>
    public async Task<RoleTemplateSummary> UpdateAsync(Caller caller, Guid organizationId, Guid roleTemplateId, UpdateRoleTemplateRequest request, CancellationToken cancellationToken)
    {
        await RoleTemplateInputValidator.Instance.ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var template = await db.RoleTemplates.SingleOrDefaultAsync(r => r.Id == roleTemplateId, cancellationToken) ?? throw new NotFoundException(What);
        if (request.ExpectedVersion is { } expected && expected != template.Version)
        {
            throw new PreconditionFailedException($"The role template is at version {template.Version}, not {expected}.");
        }

        var name = request.Name.Trim();
        await EnsureNameFreeAsync(name, template.Id, cancellationToken);
        var permissions = PermissionSet.From(request.Permissions);
        var wanted = permissions.Relations.ToHashSet(StringComparer.Ordinal);
        var present = await GrantedRelationsAsync(organizationId, template.Id, cancellationToken);
        foreach (var relation in wanted.Except(present))
        {
            relationships.Write(organizationId, Fga.Organization(organizationId), relation, Fga.RoleAssignees(template.Id));
        }

        foreach (var relation in present.Except(wanted))
        {
            await relationships.DeleteAsync(Fga.Organization(organizationId), relation, Fga.RoleAssignees(template.Id), cancellationToken);
        }

        template.Name = name;
        template.Description = Blank(request.Description);
        template.PermissionsJson = permissions.Json;
        template.PermissionsHash = permissions.Hash;
        template.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await SaveAsync(name, cancellationToken);
        return await SummaryAsync(template.Id, cancellationToken);
    }

    /// <summary>Deletes the template, its assignments and every tuple about the role, in one save.</summary>
    public async Task DeleteAsync(Caller caller, Guid organizationId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var template = await db.RoleTemplates.SingleOrDefaultAsync(r => r.Id == roleTemplateId, cancellationToken) ?? throw new NotFoundException(What);
        await relationships.DeleteAllAboutAsync(Fga.Role(template.Id), cancellationToken);
        db.RoleAssignments.RemoveRange(await db.RoleAssignments.Where(a => a.RoleTemplateId == template.Id).ToListAsync(cancellationToken));
        db.RoleTemplates.Remove(template);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Gives a member the template's permissions. Assigning twice changes nothing.</summary>
    public async Task<RoleTemplateSummary> AssignAsync(Caller caller, Guid organizationId, Guid roleTemplateId, AssignRoleRequest request, CancellationToken cancellationToken)
    {
        await new AssignRoleValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        if (!await db.RoleTemplates.AnyAsync(r => r.Id == roleTemplateId, cancellationToken))
        {
            throw new NotFoundException(What);
        }

        if (!await db.Memberships.AnyAsync(m => m.UserId == request.UserId, cancellationToken))
        {
            throw new NotFoundException("Member");
        }

        if (!await db.RoleAssignments.AnyAsync(a => a.RoleTemplateId == roleTemplateId && a.UserId == request.UserId, cancellationToken))
        {
            db.RoleAssignments.Add(new RoleAssignment { OrganizationId = organizationId, RoleTemplateId = roleTemplateId, UserId = request.UserId, CreatedAt = time.GetUtcNow().UtcDateTime });
            relationships.Write(organizationId, Fga.Role(roleTemplateId), "assignee", Fga.User(request.UserId));
            await db.SaveChangesAsync(cancellationToken);
        }

        return await SummaryAsync(roleTemplateId, cancellationToken);
    }

    public async Task<RoleTemplateSummary> UnassignAsync(Caller caller, Guid organizationId, Guid roleTemplateId, Guid userId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_roles", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var assignment = await db.RoleAssignments.SingleOrDefaultAsync(a => a.RoleTemplateId == roleTemplateId && a.UserId == userId, cancellationToken)
            ?? throw new NotFoundException("Role assignment");
        db.RoleAssignments.Remove(assignment);
        await relationships.DeleteAsync(Fga.Role(roleTemplateId), "assignee", Fga.User(userId), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return await SummaryAsync(roleTemplateId, cancellationToken);
    }

    /// <summary>The organization relations actually granted to the template's active assignees, as stored tuples.</summary>
    internal async Task<HashSet<string>> GrantedRelationsAsync(Guid organizationId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        var @object = Fga.Organization(organizationId);
        var user = Fga.RoleAssignees(roleTemplateId);
        var relations = await db.RelationshipTuples.Where(t => t.Object == @object && t.User == user).Select(t => t.Relation).ToListAsync(cancellationToken);
        return relations.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The tuples of a new template: the role's organization and one grant per permission (shared with import).</summary>
    internal static void WriteNewRoleTemplateTuples(RelationshipWriter relationships, RoleTemplate template, PermissionSet permissions)
    {
        var organizationId = template.OrganizationId;
        relationships.Write(organizationId, Fga.Role(template.Id), "organization", Fga.Organization(organizationId));
        foreach (var relation in permissions.Relations)
        {
            relationships.Write(organizationId, Fga.Organization(organizationId), relation, Fga.RoleAssignees(template.Id));
        }
    }

    private async Task EnsureNameFreeAsync(string name, Guid? except, CancellationToken cancellationToken)
    {
        var lower = name.ToLowerInvariant();
        if (await db.RoleTemplates.AnyAsync(r => r.Name.ToLower() == lower && r.Id != except, cancellationToken))
        {
            throw new ConflictException($"A role template named '{name}' exists already.");
        }
    }

    private async Task SaveAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new PreconditionFailedException("The role template changed meanwhile; reload it and try again.");
        }
        catch (DbUpdateException)
        {
            // The unique index on (organization, name) caught a simultaneous create or rename.
            throw new ConflictException($"A role template named '{name}' exists already.");
        }
    }

    private async Task<RoleTemplateSummary> SummaryAsync(Guid roleTemplateId, CancellationToken cancellationToken)
    {
        var template = await db.RoleTemplates.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roleTemplateId, cancellationToken) ?? throw new NotFoundException(What);
        var assignees = await db.RoleAssignments.AsNoTracking().Where(a => a.RoleTemplateId == roleTemplateId).OrderBy(a => a.UserId).Select(a => a.UserId).ToListAsync(cancellationToken);
        return Summary(template, assignees);
    }

    private static RoleTemplateSummary Summary(RoleTemplate t, IReadOnlyList<Guid> assignees)
        => new(t.Id, t.Name, t.Description, PermissionSet.TryParse(t.PermissionsJson) ?? [], t.PermissionsHash, assignees, t.Version, t.CreatedAt, t.UpdatedAt);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
