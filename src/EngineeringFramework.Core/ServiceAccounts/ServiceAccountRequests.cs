using EngineeringFramework.Core.Checklists;
using FluentValidation;

namespace EngineeringFramework.Core.ServiceAccounts;

/// <summary>
/// A new account, or every field of an existing one (an update replaces the name, description, role template and expiry:
/// send the current values to keep them).
/// </summary>
/// <param name="RoleTemplateId">The role template whose permissions the account holds; none leaves it a plain member (read only).</param>
/// <param name="ExpiresAt">In the future and at most <see cref="ServiceAccount.LongestLifetime"/> ahead.</param>
public sealed record ServiceAccountRequest(string Name, string? Description, Guid? RoleTemplateId, DateTimeOffset? ExpiresAt);

public sealed record CreateServiceAccountTokenRequest(string Name);

/// <param name="UserId">The account's own user: the id its changes carry in the history.</param>
/// <param name="Expired">Past <paramref name="ExpiresAt"/>: every token is refused.</param>
public sealed record ServiceAccountView(
    Guid Id,
    Guid UserId,
    string Name,
    string? Description,
    Guid? RoleTemplateId,
    string? RoleTemplateName,
    DateTime ExpiresAt,
    bool Expired,
    Guid CreatedByUserId,
    DateTime CreatedAt,
    IReadOnlyList<ServiceAccountTokenView> Tokens,
    long Version);

/// <summary>A token as lists show it: never its secret, which exists only in <see cref="CreatedServiceAccountToken"/>.</summary>
public sealed record ServiceAccountTokenView(Guid Id, string Name, string Prefix, DateTime CreatedAt, Guid CreatedByUserId, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <param name="Secret">The token itself, shown this once: only its hash is kept, so it cannot be shown again.</param>
public sealed record CreatedServiceAccountToken(ServiceAccountTokenView Token, string Secret);

internal sealed class ServiceAccountValidator : AbstractValidator<ServiceAccountRequest>
{
    public ServiceAccountValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.")
            .MaximumLength(ServiceAccount.NameLength).Storable().Must(n => !n!.Any(char.IsControl)).WithMessage("'Name' must not contain control characters.");
        RuleFor(r => r.Description).Cascade(CascadeMode.Stop).MaximumLength(ServiceAccount.DescriptionLength).Storable();
        RuleFor(r => r.RoleTemplateId).NotEqual(Guid.Empty);
        RuleFor(r => r.ExpiresAt).NotNull();
    }
}

internal sealed class CreateServiceAccountTokenValidator : AbstractValidator<CreateServiceAccountTokenRequest>
{
    public CreateServiceAccountTokenValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.")
            .MaximumLength(ServiceAccountToken.NameLength).Storable().Must(n => !n!.Any(char.IsControl)).WithMessage("'Name' must not contain control characters.");
    }
}
