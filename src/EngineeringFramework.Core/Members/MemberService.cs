using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// An organization's members: list, change role, remove. Whoever changes who is an admin must be an admin
/// (<c>can_manage_members</c>, which a role template may grant, is not enough), and the last admin can
/// never be removed or demoted, so an organization always has someone who can manage it.
/// </summary>
public sealed class MemberService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships)
{
    private const string Organization = "Organization";
    private const string Member = "Member";

    public async Task<MemberPage> ListAsync(Caller caller, Guid organizationId, ListMembersRequest request, CancellationToken cancellationToken)
    {
        await new ListMembersValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);

        var query = db.Memberships.AsNoTracking();
        if (request.Cursor is not null && MemberCursor.TryDecode(request.Cursor, out var after) && after is not null)
        {
            query = query.Where(m => string.Compare(m.User!.DisplayName, after.DisplayName) > 0
                || (m.User!.DisplayName == after.DisplayName && m.UserId.CompareTo(after.UserId) > 0));
        }

        var rows = await query
            .OrderBy(m => m.User!.DisplayName).ThenBy(m => m.UserId)
            .Take(request.Limit + 1)
            .Select(m => new MemberSummary(m.UserId, m.User!.Email, m.User.DisplayName, m.Role, m.CreatedAt))
            .ToListAsync(cancellationToken);
        var page = rows.Take(request.Limit).ToList();
        var next = rows.Count > request.Limit ? new MemberCursor(page[^1].DisplayName, page[^1].UserId).Encode() : null;
        return new MemberPage(page, next);
    }

    /// <summary>Makes a member an admin or an admin a member; only admins may do either.</summary>
    public async Task<MemberSummary> ChangeRoleAsync(Caller caller, Guid organizationId, Guid userId, ChangeMemberRoleRequest request, CancellationToken cancellationToken)
    {
        await new ChangeMemberRoleValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "admin", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);

        await SerializedMembershipChange.RunAsync(db, async () =>
        {
            var membership = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, cancellationToken) ?? throw new NotFoundException(Member);
            if (membership.Role == request.Role)
            {
                return;
            }

            if (membership.Role == MembershipRole.Admin)
            {
                await EnsureAnotherAdminAsync(userId, "demoted", cancellationToken);
            }

            await relationships.DeleteAsync(Fga.Organization(organizationId), Relation(membership.Role), Fga.User(userId), cancellationToken);
            relationships.Write(organizationId, Fga.Organization(organizationId), Relation(request.Role), Fga.User(userId));
            membership.Role = request.Role;
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);

        return await db.Memberships.AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => new MemberSummary(m.UserId, m.User!.Email, m.User.DisplayName, m.Role, m.CreatedAt))
            .SingleAsync(cancellationToken);
    }

    /// <summary>
    /// Removes a member with every permission the membership carried: the organization tuple, role
    /// assignments and the MCP grant. Any member may remove themselves (leave); removing an admin takes an admin.
    /// </summary>
    public async Task RemoveAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken cancellationToken)
    {
        var leaving = caller.UserId == userId;
        await authorizer.EnsureAsync(caller, leaving ? "can_view" : "can_manage_members", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var role = await db.Memberships.Where(m => m.UserId == userId).Select(m => (MembershipRole?)m.Role).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(Member);
        if (role == MembershipRole.Admin && !leaving)
        {
            await authorizer.EnsureAsync(caller, "admin", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        }

        await SerializedMembershipChange.RunAsync(db, async () =>
        {
            var membership = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, cancellationToken) ?? throw new NotFoundException(Member);
            if (membership.Role == MembershipRole.Admin)
            {
                await EnsureAnotherAdminAsync(userId, "removed", cancellationToken);
            }

            var user = Fga.User(userId);
            await relationships.DeleteAsync(Fga.Organization(organizationId), "admin", user, cancellationToken);
            await relationships.DeleteAsync(Fga.Organization(organizationId), "member", user, cancellationToken);
            await relationships.DeleteAsync(Fga.McpServer(organizationId), "granted", user, cancellationToken);
            foreach (var assignment in await db.RoleAssignments.Where(a => a.UserId == userId).ToListAsync(cancellationToken))
            {
                await relationships.DeleteAsync(Fga.Role(assignment.RoleTemplateId), "assignee", user, cancellationToken);
                db.RoleAssignments.Remove(assignment);
            }

            db.Memberships.Remove(membership);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
    }

    internal static string Relation(MembershipRole role) => role == MembershipRole.Admin ? "admin" : "member";

    private async Task EnsureAnotherAdminAsync(Guid userId, string verb, CancellationToken cancellationToken)
    {
        if (!await db.Memberships.AnyAsync(m => m.Role == MembershipRole.Admin && m.UserId != userId, cancellationToken))
        {
            throw new ConflictException($"The last admin cannot be {verb}; make another member an admin first.");
        }
    }
}
