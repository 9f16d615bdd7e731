using FluentValidation;

namespace EngineeringFramework.Core.RoleTemplates;

public sealed record CreateRoleTemplateRequest(string Name, string? Description, IReadOnlyList<string> Permissions) : IRoleTemplateInput;

/// <summary>Replaces name, description and permissions. <see cref="ExpectedVersion"/>, when given, must be the current version.</summary>
public sealed record UpdateRoleTemplateRequest(string Name, string? Description, IReadOnlyList<string> Permissions, long? ExpectedVersion = null) : IRoleTemplateInput;

public sealed record AssignRoleRequest(Guid UserId);

public sealed record RoleTemplateSummary(
    Guid Id,
    string Name,
    string? Description,
    IReadOnlyList<string> Permissions,
    string PermissionsHash,
    IReadOnlyList<Guid> AssigneeUserIds,
    long Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>
/// One template's integrity: <see cref="HashMatches"/> compares the stored hash with the hash of the stored
/// JSON (<see cref="StoredHash"/> against <see cref="ComputedHash"/>); <see cref="JsonIsCanonical"/> says the JSON
/// is the canonical form of catalog permissions; <see cref="TuplesMatch"/> compares the relations the JSON grants
/// with the tuples that actually grant (<see cref="GrantedRelations"/>), listing what is missing and what is extra.
/// </summary>
public sealed record RoleTemplateDrift(
    Guid RoleTemplateId,
    string Name,
    bool HashMatches,
    bool JsonIsCanonical,
    bool TuplesMatch,
    IReadOnlyList<string> MissingRelations,
    IReadOnlyList<string> UnexpectedRelations,
    string StoredHash,
    string ComputedHash,
    string PermissionsJson,
    IReadOnlyList<string> GrantedRelations)
{
    public bool HasDrift => !HashMatches || !JsonIsCanonical || !TuplesMatch;
}

/// <summary>What create and update share, so one validator serves both.</summary>
internal interface IRoleTemplateInput
{
    string Name { get; }

    string? Description { get; }

    IReadOnlyList<string> Permissions { get; }
}

internal sealed class RoleTemplateInputValidator : AbstractValidator<IRoleTemplateInput>
{
    public static readonly RoleTemplateInputValidator Instance = new();

    private RoleTemplateInputValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Must(n => n.Trim().Length > 0).WithMessage("'Name' must not be blank.").MaximumLength(100);
        RuleFor(r => r.Description).MaximumLength(1000);
        RuleFor(r => r.Permissions).NotNull();
        RuleForEach(r => r.Permissions).Must(PermissionCatalog.Contains)
            .WithMessage((_, p) => $"'{p}' is not a permission; choose from {string.Join(", ", PermissionCatalog.All.Select(c => c.Name))}.");
    }
}

internal sealed class AssignRoleValidator : AbstractValidator<AssignRoleRequest>
{
    public AssignRoleValidator() => RuleFor(r => r.UserId).NotEmpty();
}
