using EngineeringFramework.Core.Members;
using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Members;

/// <summary>
/// Members and invitations of an organization, and <c>POST /api/v1/invitations/accept</c>, by which a signed-in
/// user joins with the token from the invitation mail, if their confirmed address is the invited one.
/// </summary>
internal static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder endpoints)
    {
        var members = endpoints.MapOrganizationGroup("/members", "Members");
        members.MapGet("/", ListAsync).WithName("ListMembers")
            .WithSummary("Members by display name; page with limit (1-200, default 50) and cursor.")
            .ProducesValidationProblem();
        members.MapPut("/{userId:guid}/role", ChangeRoleAsync).WithName("ChangeMemberRole")
            .WithSummary("Make a member an admin or an admin a member (admins only; the last admin cannot be demoted).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        members.MapDelete("/{userId:guid}", RemoveAsync).WithName("RemoveMember")
            .WithSummary("Remove a member (manage_members; an admin only by an admin) or leave (your own id); the last admin cannot go.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var invitations = endpoints.MapOrganizationGroup("/invitations", "Members");
        invitations.MapGet("/", ListInvitationsAsync).WithName("ListInvitations")
            .WithSummary("Invitations that can still be accepted, newest first (manage_members).");
        invitations.MapPost("/", InviteAsync).WithName("InviteMember")
            .WithSummary("Invite an email address and mail the link (manage_members; inviting an admin takes an admin). Replaces a pending invitation for the same address.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        invitations.MapDelete("/{invitationId:guid}", RevokeAsync).WithName("RevokeInvitation")
            .WithSummary("Revoke a pending invitation; its link stops working (manage_members).");

        // Outside the organization group: whoever accepts may have no organization yet, and the organization
        // is not known until the token names it.
        endpoints.MapPost("/api/v1/invitations/accept", AcceptAsync)
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller(requireMembership: false)
            .WithTags("Members")
            .WithName("AcceptInvitation")
            .WithSummary("Join the organization that invited you, with the token from the invitation mail (in the body, never in the URL). Only the account whose confirmed email is the invited address may: another account gets 403 naming token, with the invited address masked; an unknown, used, revoked or expired token is 404.")
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<MemberPage>> ListAsync(Guid orgId, string? limit, string? cursor, HttpContext context, MemberService members, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new ListMembersRequest(Cursor: cursor);
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return TypedResults.Ok(await members.ListAsync(context.GetCaller(), orgId, request, cancellationToken));
    }

    private static async Task<Ok<MemberSummary>> ChangeRoleAsync(Guid orgId, Guid userId, ChangeMemberRoleRequest request, HttpContext context, MemberService members, CancellationToken cancellationToken)
        => TypedResults.Ok(await members.ChangeRoleAsync(context.GetCaller(), orgId, userId, request, cancellationToken));

    private static async Task<NoContent> RemoveAsync(Guid orgId, Guid userId, HttpContext context, MemberService members, CancellationToken cancellationToken)
    {
        await members.RemoveAsync(context.GetCaller(), orgId, userId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<InvitationSummary>>> ListInvitationsAsync(Guid orgId, HttpContext context, InvitationService invitations, CancellationToken cancellationToken)
        => TypedResults.Ok(await invitations.ListPendingAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Created<InvitationSummary>> InviteAsync(Guid orgId, InviteMemberRequest request, HttpContext context, InvitationService invitations, CancellationToken cancellationToken)
    {
        var invitation = await invitations.InviteAsync(context.GetCaller(), orgId, request, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/invitations/{invitation.Id}", invitation);
    }

    private static async Task<NoContent> RevokeAsync(Guid orgId, Guid invitationId, HttpContext context, InvitationService invitations, CancellationToken cancellationToken)
    {
        await invitations.RevokeAsync(context.GetCaller(), orgId, invitationId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AcceptedInvitation>> AcceptAsync(AcceptInvitationRequest request, HttpContext context, InvitationService invitations, CancellationToken cancellationToken)
        => TypedResults.Ok(await invitations.AcceptAsync(context.GetCaller(), request, cancellationToken));
}
