using System.Text.Json.Nodes;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Members;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Users;

/// <summary>
/// Deletes a person's account from the product: every membership, role assignment and relationship tuple goes, work
/// assigned to them is unassigned, and the user row is anonymised rather than removed, so the activity history keeps
/// every change they made, attributed to <see cref="DeletedDisplayName"/>. A <see cref="DeletedAccount"/> records the
/// sign-in subject, so tokens issued to it before now are refused from here on.
/// </summary>
/// <remarks>
/// Not guarded by the authorization model: no organization role can delete someone's account. The surfaces prove who
/// asks before calling: the person themselves (password re-entered, or a fresh sign-in at the external provider) or
/// an operator holding the server's configuration (<c>admin delete-user</c>). The one rule that can refuse is the
/// organizations' own: an organization must keep an admin, so the last admin of any organization is refused, with
/// the organizations named, and nothing is changed.
/// </remarks>
public sealed class AccountDeletion(AppDbContext db, RelationshipWriter relationships, TimeProvider time)
{
    public const string DeletedDisplayName = "Deleted user";

    /// <summary>What a deleted user's subject becomes: no issuer hands out a <c>sub</c> of this shape for this row.</summary>
    public static string DeletedSubject(Guid userId) => $"deleted:{userId}";

    /// <summary>The organizations this subject's user is the only admin of, by name; empty when the account may be deleted.</summary>
    public async Task<IReadOnlyList<string>> OrganizationsOnlyAdministeredByAsync(string authSubject, CancellationToken cancellationToken)
    {
        var userId = await db.Users.Where(u => u.AuthSubject == authSubject).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(cancellationToken);
        return userId is { } id ? await OnlyAdministeredByAsync(id, cancellationToken) : [];
    }

    /// <summary>
    /// Deletes the product's data of <paramref name="authSubject"/> in one transaction and records the deletion. A
    /// subject with no product user (it never used the product) is only recorded. Throws <see cref="ConflictException"/>,
    /// naming the organizations, while the user is the last admin of any; then nothing is written.
    /// </summary>
    /// <param name="surface">Where the deletion was asked for; the unassignments it causes are recorded under it.</param>
    public async Task DeleteAsync(string authSubject, Surface surface, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authSubject);

        // Serializable, like every membership change that reads "is there another admin?": an admin who is being
        // demoted at this very moment cannot leave an organization with none.
        await SerializedMembershipChange.RunAsync(db, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var user = await db.Users.SingleOrDefaultAsync(u => u.AuthSubject == authSubject, cancellationToken);
            if (user is not null)
            {
                await EraseAsync(user, surface, now, cancellationToken);
            }

            var recorded = await db.DeletedAccounts.SingleOrDefaultAsync(d => d.AuthSubject == authSubject, cancellationToken);
            if (recorded is null)
            {
                db.DeletedAccounts.Add(new DeletedAccount { AuthSubject = authSubject, DeletedAt = now });
            }
            else
            {
                // An external subject that came back and is deleted again: its newer tokens end now too.
                recorded.DeletedAt = now;
            }

            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
    }

    private async Task EraseAsync(User user, Surface surface, DateTime now, CancellationToken cancellationToken)
    {
        var lastAdminOf = await OnlyAdministeredByAsync(user.Id, cancellationToken);
        if (lastAdminOf.Count > 0)
        {
            throw new ConflictException(LastAdminMessage(lastAdminOf));
        }

        // Everything below crosses organizations on purpose (the account leaves all of them at once); each query is
        // scoped by the user's id instead of a tenant.
        await relationships.DeleteAllOfUserAsync(user.Id, cancellationToken);
        db.RoleAssignments.RemoveRange(await db.RoleAssignments.BypassTenantFilter().Where(a => a.UserId == user.Id).ToListAsync(cancellationToken));
        db.Memberships.RemoveRange(await db.Memberships.BypassTenantFilter().Where(m => m.UserId == user.Id).ToListAsync(cancellationToken));
        foreach (var project in await db.Projects.BypassTenantFilter().Where(p => p.LeadUserId == user.Id).ToListAsync(cancellationToken))
        {
            project.LeadUserId = null;
        }

        // Work assigned to someone who is gone is nobody's: unassign it, and say so in each item's history.
        foreach (var item in await db.ChecklistItems.BypassTenantFilter().Where(i => i.AssigneeUserId == user.Id).ToListAsync(cancellationToken))
        {
            item.AssigneeUserId = null;
            item.UpdatedAt = now;
            item.UpdatedByUserId = user.Id;
            db.ActivityEntries.Add(new ActivityEntry
            {
                OrganizationId = item.OrganizationId,
                ProjectId = item.ProjectId,
                ChecklistItemId = item.Id,
                UserId = user.Id,
                Surface = surface,
                Action = ChecklistService.UpdatedAction,
                ChangesJson = new JsonObject { ["assigneeUserId"] = new JsonObject { ["from"] = user.Id.ToString(), ["to"] = null } }.ToJsonString(),
                At = now,
            });
        }

        // Anonymised, not removed: activity entries keep pointing at this row and read "Deleted user".
        user.AuthSubject = DeletedSubject(user.Id);
        user.Email = string.Empty;
        user.DisplayName = DeletedDisplayName;
        user.DeletedAt = now;
    }

    private async Task<IReadOnlyList<string>> OnlyAdministeredByAsync(Guid userId, CancellationToken cancellationToken)
        => await db.Memberships.BypassTenantFilter()
            .Where(m => m.UserId == userId && m.Role == MembershipRole.Admin)
            .Where(m => !db.Memberships.BypassTenantFilter().Any(o => o.OrganizationId == m.OrganizationId && o.Role == MembershipRole.Admin && o.UserId != userId))
            .OrderBy(m => m.Organization!.Name)
            .Select(m => m.Organization!.Name)
            .ToListAsync(cancellationToken);

    /// <summary>One message for every surface (account page, operator command, tests), naming each organization.</summary>
    public static string LastAdminMessage(IReadOnlyList<string> organizations)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        var names = organizations.Count == 1
            ? organizations[0]
            : string.Join(", ", organizations.Take(organizations.Count - 1)) + " and " + organizations[^1];
        return $"This account is the last admin of {names}. Make another member an admin there, or delete the organization, first.";
    }
}
