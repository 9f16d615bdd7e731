using EngineeringFramework.Core.Checklists;
using FluentValidation;

namespace EngineeringFramework.Core.Organizations;

public sealed record CreateOrganizationRequest(string Name, string? Slug = null);

public sealed record RenameOrganizationRequest(string Name);

public sealed record DeleteOrganizationRequest(string ConfirmName);

public sealed record ChangePlanRequest(Plan Plan);

public sealed record OrganizationSummary(Guid Id, string Name, string Slug, Plan Plan, MembershipRole? Role, DateTime CreatedAt);

/// <summary>The organization as its settings show it, with what the caller may change there.</summary>
public sealed record OrganizationSettings(OrganizationSummary Organization, bool CanRename, bool CanDelete, bool CanChangePlan);

internal sealed class CreateOrganizationValidator : AbstractValidator<CreateOrganizationRequest>
{
    public CreateOrganizationValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
        RuleFor(r => r.Slug!).Matches("^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
            .WithMessage("'Slug' must be 1-50 lowercase letters, digits or dashes, not starting or ending with a dash.")
            .When(r => r.Slug is not null);
    }
}

internal sealed class RenameOrganizationValidator : AbstractValidator<RenameOrganizationRequest>
{
    public RenameOrganizationValidator() =>
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(200).Storable();
}

internal sealed class ChangePlanValidator : AbstractValidator<ChangePlanRequest>
{
    public ChangePlanValidator() => RuleFor(r => r.Plan).IsInEnum();
}
