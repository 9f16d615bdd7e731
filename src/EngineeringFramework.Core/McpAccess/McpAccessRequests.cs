using FluentValidation;

namespace EngineeringFramework.Core.McpAccess;

public sealed record GrantMcpAccessRequest(Guid UserId);

public sealed record McpAccessEntry(Guid UserId, string Email, string DisplayName, DateTime GrantedAt);

internal sealed class GrantMcpAccessValidator : AbstractValidator<GrantMcpAccessRequest>
{
    public GrantMcpAccessValidator() => RuleFor(r => r.UserId).NotEmpty();
}
