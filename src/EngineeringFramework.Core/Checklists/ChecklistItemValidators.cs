using FluentValidation;

namespace EngineeringFramework.Core.Checklists;

/// <summary>The fields a single and a batch update share, so one validator serves both.</summary>
internal interface IChecklistItemChange
{
    long Version { get; }

    ChecklistItemStatus Status { get; }

    string? NotApplicableReason { get; }

    string? Notes { get; }

    Guid? AssigneeUserId { get; }

    DateOnly? DueDate { get; }

    IReadOnlyList<string>? EvidenceLinks { get; }

    /// <summary>Why the status is right: kept with a request for a person's confirmation when the agent sign-off policy asks for one.</summary>
    string? Rationale { get; }
}

internal static class ChecklistItemLimits
{
    public const int NotesLength = 20_000;
    public const int ReasonLength = 2_000;
    public const int EvidenceLinks = 20;
    public const int EvidenceLinkLength = 2_000;
    public const int BatchSize = 100;
}

internal sealed class ChecklistItemChangeValidator<T> : AbstractValidator<T>
    where T : IChecklistItemChange
{
    public ChecklistItemChangeValidator()
    {
        RuleFor(r => r.Version).GreaterThanOrEqualTo(1);
        RuleFor(r => r.Status).IsInEnum();
        RuleFor(r => r.NotApplicableReason).Cascade(CascadeMode.Stop)
            .Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("'NotApplicableReason' is required when the status is NotApplicable.")
            .MaximumLength(ChecklistItemLimits.ReasonLength)
            .Storable()
            .When(r => r.Status == ChecklistItemStatus.NotApplicable);
        RuleFor(r => r.Notes).Cascade(CascadeMode.Stop).MaximumLength(ChecklistItemLimits.NotesLength).Storable();
        RuleFor(r => r.AssigneeUserId).NotEqual(Guid.Empty);
        RuleFor(r => r.Rationale).Cascade(CascadeMode.Stop).MaximumLength(SignOff.SignOffRequest.RationaleLength).Storable();
        RuleFor(r => r.EvidenceLinks!.Count).LessThanOrEqualTo(ChecklistItemLimits.EvidenceLinks).OverridePropertyName("EvidenceLinks")
            .WithMessage($"'EvidenceLinks' may hold at most {ChecklistItemLimits.EvidenceLinks} links.")
            .When(r => r.EvidenceLinks is not null);
        RuleForEach(r => r.EvidenceLinks).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(ChecklistItemLimits.EvidenceLinkLength)
            .Must(IsWebLink).WithMessage("'{PropertyName}' must be an absolute http or https URL.");
    }

    /// <summary>Only web links: no javascript:, data:, file: or relative URLs can be stored and later rendered as links.</summary>
    private static bool IsWebLink(string link)
        => link.Trim().Length == link.Length
            && !link.Any(char.IsControl)
            && StorableText.IsStorable(link)
            && Uri.TryCreate(link, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Host.Length > 0;
}

internal sealed class BatchUpdateChecklistItemsValidator : AbstractValidator<BatchUpdateChecklistItemsRequest>
{
    public BatchUpdateChecklistItemsValidator()
    {
        RuleFor(r => r.Items).Cascade(CascadeMode.Stop).NotEmpty()
            .Must(items => items.Count <= ChecklistItemLimits.BatchSize).WithMessage($"'Items' may hold at most {ChecklistItemLimits.BatchSize} items.");
        RuleForEach(r => r.Items).SetValidator(new ChecklistItemChangeValidator<ChecklistItemChange>());
        RuleForEach(r => r.Items).ChildRules(item => item.RuleFor(i => i.ItemId).NotEmpty());
        RuleFor(r => r.Items).Custom((items, context) =>
        {
            var seen = new HashSet<Guid>();
            for (var index = 0; index < (items?.Count ?? 0); index++)
            {
                if (!seen.Add(items![index].ItemId))
                {
                    context.AddFailure($"Items[{index}].ItemId", "The item appears more than once in the batch.");
                }
            }
        });
    }
}
