using EngineeringFramework.Core.Organizations;
using FluentValidation;

namespace EngineeringFramework.Core.Members;

public sealed record InviteMemberRequest(string Email, MembershipRole Role = MembershipRole.Member);

public sealed record ListMembersRequest(int Limit = 50, string? Cursor = null);

public sealed record ChangeMemberRoleRequest(MembershipRole Role);

public sealed record AcceptInvitationRequest(string Token);

public sealed record MemberSummary(Guid UserId, string Email, string DisplayName, MembershipRole Role, DateTime JoinedAt);

/// <summary>One page of members; pass <see cref="NextCursor"/> back to read the next page (null on the last one).</summary>
public sealed record MemberPage(IReadOnlyList<MemberSummary> Items, string? NextCursor);

/// <summary>An invitation as its organization's managers see it. The token is never part of it: it exists only in the mail.</summary>
public sealed record InvitationSummary(Guid Id, string Email, MembershipRole Role, DateTime ExpiresAt, Guid InvitedByUserId, DateTime CreatedAt);

public sealed record AcceptedInvitation(Guid OrganizationId, string OrganizationName, MembershipRole Role);

internal sealed class InviteMemberValidator : AbstractValidator<InviteMemberRequest>
{
    public InviteMemberValidator()
    {
        RuleFor(r => r.Email).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(320).EmailAddress()
            .Must(e => !e.Any(char.IsControl)).WithMessage("'Email' must not contain control characters.");
        RuleFor(r => r.Role).IsInEnum();
    }
}

internal sealed class ListMembersValidator : AbstractValidator<ListMembersRequest>
{
    public ListMembersValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 200);
        RuleFor(r => r.Cursor!).Must(c => MemberCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}

internal sealed class ChangeMemberRoleValidator : AbstractValidator<ChangeMemberRoleRequest>
{
    public ChangeMemberRoleValidator() => RuleFor(r => r.Role).IsInEnum();
}

internal sealed class AcceptInvitationValidator : AbstractValidator<AcceptInvitationRequest>
{
    public AcceptInvitationValidator() => RuleFor(r => r.Token).NotEmpty().MaximumLength(200);
}
