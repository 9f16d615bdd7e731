using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.UseCases;
using FluentValidation;

namespace EngineeringFramework.Core.SignOff;

/// <summary>One request as people and agents see it; <see cref="RationaleHtml"/> is sanitized HTML, safe in a page.</summary>
public sealed record SignOffRequestView(
    Guid Id,
    Guid ProjectId,
    string ProjectName,
    Guid ItemId,
    string ItemName,
    ChecklistItemStatus CurrentStatus,
    ChecklistItemStatus Status,
    string? NotApplicableReason,
    string? Rationale,
    string RationaleHtml,
    IReadOnlyList<string> EvidenceLinks,
    Guid RequestedByUserId,
    string RequestedByName,
    Surface Surface,
    string? Client,
    DateTime RequestedAt,
    SignOffState State,
    Guid? DecidedByUserId,
    string? DecidedByName,
    DateTime? DecidedAt,
    string? Comment);

/// <summary>Which requests to list: by default those still awaiting a person.</summary>
/// <param name="ProjectId">One project, or every project of the organization.</param>
/// <param name="Mine">Only requests made by the caller's agents (what an agent asks to learn what came of its requests).</param>
/// <param name="ItemId">Only this checklist item's requests (at most one of them awaits at a time).</param>
public sealed record ListSignOffRequests(Guid? ProjectId = null, SignOffState? State = SignOffState.Awaiting, bool Mine = false, int Limit = 50, Guid? ItemId = null);

/// <summary>A person's decision on a request. The comment is required to send one back: the agent needs to know why.</summary>
public sealed record SignOffDecision(string? Comment = null);

internal sealed class ListSignOffRequestsValidator : AbstractValidator<ListSignOffRequests>
{
    public ListSignOffRequestsValidator()
    {
        RuleFor(r => r.ProjectId).NotEqual(Guid.Empty);
        RuleFor(r => r.State).IsInEnum();
        RuleFor(r => r.Limit).InclusiveBetween(1, 200);
    }
}

internal sealed class SignOffDecisionValidator : AbstractValidator<SignOffDecision>
{
    public SignOffDecisionValidator(bool commentRequired)
    {
        RuleFor(d => d.Comment).Cascade(CascadeMode.Stop)
            .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage("'Comment' is required to send a request back: say what the agent should do instead.").When(_ => commentRequired)
            .MaximumLength(SignOffRequest.CommentLength)
            .Storable();
    }
}
