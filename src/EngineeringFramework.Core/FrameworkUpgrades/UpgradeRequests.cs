using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Frameworks.Versions;
using FluentValidation;

namespace EngineeringFramework.Core.FrameworkUpgrades;

/// <summary>What an upgrade does to one item of a project's checklist.</summary>
public enum UpgradeOutcome
{
    /// <summary>New in the framework: added as Not started.</summary>
    Added,

    /// <summary>Its name, place, order, optional flag or template changes; its status, notes, evidence, assignee and due date are kept.</summary>
    Updated,

    /// <summary>
    /// Its definition changed while it was Done or Not applicable: everything is kept and it is flagged "definition
    /// changed since done", for someone to review the decision against the new text.
    /// </summary>
    FlaggedForReview,

    /// <summary>Its definition changed while it was Done or Not applicable, and the organization resets such items: back to Not started, notes and evidence kept.</summary>
    Reset,

    /// <summary>No longer in the framework: kept with its history, read-only, outside the progress.</summary>
    Retired,

    /// <summary>Retired by an earlier upgrade and back in the framework: editable again, with everything it had.</summary>
    Restored,
}

/// <param name="ChecklistItemId">The project's item; null for an item the upgrade would add.</param>
/// <param name="Aspects">What changed in the framework for this item (empty for added and retired items, and when only its category's or subcategory's name or order changed).</param>
public sealed record UpgradeItemPlan(
    string ItemSlug,
    string Name,
    UpgradeOutcome Outcome,
    IReadOnlyList<FrameworkAspect> Aspects,
    Guid? ChecklistItemId,
    ChecklistItemStatus? StatusBefore,
    ChecklistItemStatus StatusAfter);

/// <param name="From">The version the project's checklist is at; null when it has none (then definitions are not compared).</param>
/// <param name="To">The organization's effective version: what the project would be upgraded to.</param>
/// <param name="UpToDate">The project is already at <paramref name="To"/>; nothing to apply.</param>
/// <param name="Items">Every item the upgrade touches, in the new framework's order, then the retired ones.</param>
/// <param name="Unchanged">Items the upgrade leaves exactly as they are.</param>
/// <param name="ResetsChangedItems">The organization's setting: a finished item whose definition changed is reset instead of flagged.</param>
/// <param name="Diff">The framework diff between the two versions.</param>
public sealed record ProjectUpgradePreview(
    Guid ProjectId,
    string ProjectName,
    FrameworkVersionSummary? From,
    FrameworkVersionSummary To,
    bool UpToDate,
    int Added,
    int Retired,
    int Changed,
    int Unchanged,
    bool ResetsChangedItems,
    IReadOnlyList<UpgradeItemPlan> Items,
    FrameworkDiff Diff);

/// <param name="ToVersionId">The version the preview showed. If the organization's framework has changed since, nothing is applied (409) so that nobody applies what they did not see.</param>
public sealed record ApplyProjectUpgradeRequest(Guid ToVersionId);

public sealed record ProjectUpgradeResult(
    Guid ProjectId,
    Guid? FromVersionId,
    Guid ToVersionId,
    int Added,
    int Updated,
    int FlaggedForReview,
    int Reset,
    int Retired,
    int Restored);

/// <param name="ToVersionId">As for one project: the version the caller previewed.</param>
public sealed record UpgradeDepartmentRequest(Guid ToVersionId);

/// <param name="Upgraded">Projects brought to the version, each in its own transaction.</param>
/// <param name="AlreadyCurrent">Projects that were already at the version.</param>
/// <param name="Skipped">Projects left as they are, with the reason (archived, or changed by someone else meanwhile).</param>
public sealed record DepartmentUpgradeResult(IReadOnlyList<ProjectUpgradeResult> Upgraded, int AlreadyCurrent, IReadOnlyList<SkippedUpgrade> Skipped);

public sealed record SkippedUpgrade(Guid ProjectId, string ProjectName, string Reason);

/// <summary>Whether a newer framework version is available to a project, with the item counts its page shows.</summary>
public sealed record UpgradeAvailability(Guid? FromVersionId, FrameworkVersionSummary To, int Added, int Removed, int Changed);

/// <summary>A department's projects that a caller who may update them could bring to the organization's current version.</summary>
/// <param name="Behind">The department's projects, not archived, at another version.</param>
public sealed record DepartmentUpgradeOffer(FrameworkVersionSummary To, int Behind);

/// <param name="ResetChangedItems">
/// When an upgrade changes the definition of an item a project had finished (Done or Not applicable): false (the
/// default) keeps its status and flags it "definition changed since done" for review; true sets it back to Not started,
/// keeping its notes and evidence.
/// </param>
public sealed record UpgradePolicy(bool ResetChangedItems);

internal sealed class ApplyProjectUpgradeValidator : AbstractValidator<ApplyProjectUpgradeRequest>
{
    public ApplyProjectUpgradeValidator() => RuleFor(r => r.ToVersionId).NotEmpty();
}

internal sealed class UpgradeDepartmentValidator : AbstractValidator<UpgradeDepartmentRequest>
{
    public UpgradeDepartmentValidator() => RuleFor(r => r.ToVersionId).NotEmpty();
}
