using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.Users;

namespace EngineeringFramework.Core.Organizations;

public sealed class Membership : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Organization? Organization { get; init; }

    public Guid UserId { get; init; }

    public User? User { get; init; }

    public MembershipRole Role { get; set; } = MembershipRole.Member;

    public DateTime CreatedAt { get; init; }
}
