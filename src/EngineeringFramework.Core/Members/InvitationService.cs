using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// Invitations by email. The token is a 256-bit secret that lives only in the mailed link (the database keeps
/// its SHA-256), and it is bound to the address it was mailed to: only a signed-in account whose confirmed
/// address is that one joins with it, once, within seven days.
/// </summary>
/// <remarks>
/// A token alone is not enough because links travel: a forwarded, leaked or mis-sent invitation (an admin one
/// above all) would otherwise make whoever holds it a member. The mail proves the address; the issuer proves
/// the account owns it (<see cref="Users.User.EmailVerified"/>).
/// </remarks>
public sealed class InvitationService(
    AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time, IMailSender mail, MemberOptions options)
{
    private const string Organization = "Organization";
    private const string What = "Invitation";

    /// <summary>
    /// Invites <see cref="InviteMemberRequest.Email"/> and mails the link. A pending invitation for the same
    /// address is replaced (its link stops working). Inviting an admin takes an admin, like promoting one.
    /// </summary>
    public async Task<InvitationSummary> InviteAsync(Caller caller, Guid organizationId, InviteMemberRequest request, CancellationToken cancellationToken)
    {
        await new InviteMemberValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, request.Role == MembershipRole.Admin ? "admin" : "can_manage_members", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);

        var email = request.Email.Trim().ToLowerInvariant();
        if (await db.Memberships.AnyAsync(m => m.User!.Email.ToLower() == email, cancellationToken))
        {
            throw new ConflictException($"{email} is already a member.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var pending in await db.Invitations.Where(i => i.Email == email && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(cancellationToken))
        {
            pending.RevokedAt = now;
        }

        var token = InvitationToken.Create();
        var invitation = new Invitation
        {
            OrganizationId = organizationId,
            Email = email,
            Role = request.Role,
            TokenHash = InvitationToken.Hash(token),
            ExpiresAt = now + InvitationToken.Lifetime,
            InvitedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);

        // Mailed after the commit, so the link works when it arrives. Should delivery fail, inviting again replaces it.
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Name).SingleAsync(cancellationToken);
        var inviter = await db.Users.AsNoTracking().Where(u => u.Id == caller.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken);
        await mail.SendAsync(InvitationMail.Compose(email, organization, inviter, options.AcceptLink(token), invitation.ExpiresAt), cancellationToken);
        return Summary(invitation);
    }

    /// <summary>
    /// The signed-in caller joins with the role the invitation names. Unknown, expired, revoked and used
    /// tokens are the same <see cref="NotFoundException"/>, so a token reveals nothing but "works" or "doesn't".
    /// A working token presented by an account whose confirmed address is not the invited one (compared without
    /// regard to case) is <see cref="InvitationForAnotherAccountException"/>, and nothing is written: the
    /// invitation stays open for the right account.
    /// </summary>
    public async Task<AcceptedInvitation> AcceptAsync(Caller caller, AcceptInvitationRequest request, CancellationToken cancellationToken)
    {
        await new AcceptInvitationValidator().ValidateAndThrowAsync(request, cancellationToken);
        var hash = InvitationToken.Hash(request.Token);
        var now = time.GetUtcNow().UtcDateTime;

        // The organization is not known until the token names it: the one lookup outside a tenant, by a 256-bit secret's hash.
        var invitation = await db.Invitations.BypassTenantFilter().AsNoTracking()
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, cancellationToken)
            ?? throw new NotFoundException(What);

        // Users are global (no tenant filter): the caller's own row, kept current from their token or session.
        var account = await db.Users.AsNoTracking().Where(u => u.Id == caller.UserId)
            .Select(u => new { u.Email, u.EmailVerified }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(What);
        var sameAddress = string.Equals(account.Email.Trim(), invitation.Email, StringComparison.OrdinalIgnoreCase);
        if (!sameAddress || !account.EmailVerified)
        {
            throw new InvitationForAnotherAccountException(invitation.Email, sameAddressUnconfirmed: sameAddress);
        }

        tenant.Set(invitation.OrganizationId);
        if (await db.Memberships.AnyAsync(m => m.UserId == caller.UserId, cancellationToken))
        {
            throw new ConflictException("You are already a member of this organization.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Claim the invitation first with a conditional update: of two simultaneous accepts only one changes the row.
        var claimed = await db.Invitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, caller.UserId), cancellationToken);
        if (claimed != 1)
        {
            throw new NotFoundException(What);
        }

        db.Memberships.Add(new Membership { OrganizationId = invitation.OrganizationId, UserId = caller.UserId, Role = invitation.Role, CreatedAt = now });
        relationships.Write(invitation.OrganizationId, Fga.Organization(invitation.OrganizationId), MemberService.Relation(invitation.Role), Fga.User(caller.UserId));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var name = await db.Organizations.AsNoTracking().Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).SingleAsync(cancellationToken);
        return new AcceptedInvitation(invitation.OrganizationId, name, invitation.Role);
    }

    /// <summary>Invitations that can still be accepted, newest first.</summary>
    public async Task<IReadOnlyList<InvitationSummary>> ListPendingAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_members", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var now = time.GetUtcNow().UtcDateTime;
        var pending = await db.Invitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .ToListAsync(cancellationToken);
        return pending.ConvertAll(Summary);
    }

    public async Task RevokeAsync(Caller caller, Guid organizationId, Guid invitationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_members", Fga.Organization(organizationId), "can_view", Organization, cancellationToken);
        tenant.Set(organizationId);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null, cancellationToken)
            ?? throw new NotFoundException(What);
        invitation.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static InvitationSummary Summary(Invitation i) => new(i.Id, i.Email, i.Role, i.ExpiresAt, i.InvitedByUserId, i.CreatedAt);
}
