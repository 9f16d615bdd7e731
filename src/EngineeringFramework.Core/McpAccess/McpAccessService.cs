using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.McpAccess;

/// <summary>
/// Who may use the organization through MCP. A valid token is not enough: the model requires an explicit
/// <c>mcp_server:{org}#granted</c> tuple, and <c>access</c> also needs a current membership, so removing a
/// member ends their MCP access even before the grant tuple is gone.
/// </summary>
public sealed class McpAccessService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships)
{
    private const string Granted = "granted";

    public async Task<IReadOnlyList<McpAccessEntry>> ListAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureCanGrantAsync(caller, organizationId, cancellationToken);
        tenant.Set(organizationId);
        var server = Fga.McpServer(organizationId);
        var grants = await db.RelationshipTuples.AsNoTracking().Where(t => t.Object == server && t.Relation == Granted && t.User.StartsWith("user:"))
            .Select(t => new { t.User, t.CreatedAt }).ToListAsync(cancellationToken);
        var grantedAt = new Dictionary<Guid, DateTime>();
        foreach (var grant in grants)
        {
            if (Guid.TryParse(grant.User.AsSpan("user:".Length), out var userId))
            {
                grantedAt[userId] = grant.CreatedAt;
            }
        }

        var ids = grantedAt.Keys.ToList();
        var members = await db.Memberships.AsNoTracking().Where(m => ids.Contains(m.UserId))
            .OrderBy(m => m.User!.DisplayName).ThenBy(m => m.UserId)
            .Select(m => new { m.UserId, m.User!.Email, m.User.DisplayName })
            .ToListAsync(cancellationToken);
        return members.ConvertAll(m => new McpAccessEntry(m.UserId, m.Email, m.DisplayName, grantedAt[m.UserId]));
    }

    /// <summary>Grants a member MCP access; granting twice changes nothing.</summary>
    public async Task GrantAsync(Caller caller, Guid organizationId, GrantMcpAccessRequest request, CancellationToken cancellationToken)
    {
        await new GrantMcpAccessValidator().ValidateAndThrowAsync(request, cancellationToken);
        await EnsureCanGrantAsync(caller, organizationId, cancellationToken);
        tenant.Set(organizationId);
        if (!await db.Memberships.AnyAsync(m => m.UserId == request.UserId, cancellationToken))
        {
            throw new NotFoundException("Member");
        }

        var server = Fga.McpServer(organizationId);
        var user = Fga.User(request.UserId);
        if (!await db.RelationshipTuples.AnyAsync(t => t.Object == server && t.Relation == Granted && t.User == user, cancellationToken))
        {
            relationships.Write(organizationId, server, Granted, user);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Revokes a grant; revoking one that does not exist changes nothing.</summary>
    public async Task RevokeAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken cancellationToken)
    {
        await EnsureCanGrantAsync(caller, organizationId, cancellationToken);
        tenant.Set(organizationId);
        if (await relationships.DeleteAsync(Fga.McpServer(organizationId), Granted, Fga.User(userId), cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Whether the caller may use this organization through MCP.</summary>
    public Task<bool> HasAccessAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
        => authorizer.CheckAsync(caller, "access", Fga.McpServer(organizationId), cancellationToken);

    /// <summary>
    /// The question the MCP surface asks of the authorizer on every request, after validating the token: the organizations
    /// where the caller holds <c>access</c> (an explicit grant and a current membership), in a stable order. Never cached
    /// by the surface, so a revoked grant or a removed member is refused on the next request on every instance.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> OrganizationsWithAccessAsync(Caller caller, CancellationToken cancellationToken)
    {
        var servers = await authorizer.ListObjectsAsync(caller, "access", "mcp_server", cancellationToken);
        var organizations = new List<Guid>(servers.Count);
        foreach (var server in servers)
        {
            if (Guid.TryParse(server.AsSpan("mcp_server:".Length), out var id))
            {
                organizations.Add(id);
            }
        }

        organizations.Sort();
        return organizations;
    }

    // mcp_server has no view relation of its own: whether the caller may see the organization decides 404 or 403.
    private async Task EnsureCanGrantAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        if (await authorizer.CheckAsync(caller, "can_grant", Fga.McpServer(organizationId), cancellationToken))
        {
            return;
        }

        if (await authorizer.CheckAsync(caller, "can_view", Fga.Organization(organizationId), cancellationToken))
        {
            throw new ForbiddenException("Only organization admins may manage MCP access.");
        }

        throw new NotFoundException("Organization");
    }
}
