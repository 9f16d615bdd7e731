using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;

namespace EngineeringFramework.Core.Members;

/// <summary>
/// An invitation to join an organization. Only the SHA-256 of the token is stored: the link in the mail is
/// the one place the token exists, so a database leak cannot be turned into memberships.
/// </summary>
public sealed class Invitation : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public required string Email { get; init; }

    public MembershipRole Role { get; init; }

    public required string TokenHash { get; init; }

    public DateTime ExpiresAt { get; init; }

    public DateTime? AcceptedAt { get; set; }

    public Guid? AcceptedByUserId { get; set; }

    public DateTime? RevokedAt { get; set; }

    public Guid InvitedByUserId { get; init; }

    public DateTime CreatedAt { get; init; }
}
