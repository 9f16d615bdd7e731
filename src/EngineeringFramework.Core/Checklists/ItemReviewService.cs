using System.Globalization;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Checklists;

/// <summary>Someone looked at a Done item again and it still holds: sent with the <see cref="Version"/> read, like an update.</summary>
public sealed record MarkItemReviewedRequest(long Version);

internal sealed class MarkItemReviewedValidator : AbstractValidator<MarkItemReviewedRequest>
{
    public MarkItemReviewedValidator() => RuleFor(r => r.Version).GreaterThanOrEqualTo(1);
}

/// <summary>
/// Marks a Done item reviewed: its review clock restarts (<see cref="ReviewSchedule"/>), a changed-evidence flag is
/// cleared and its GitHub files are recorded again as they now stand; nothing else changes — not its status, evidence
/// links or notes. The same permission and rules as editing the item (can_edit_items, so not on an archived
/// project; not on a retired item; only at the version the caller read), and recorded in the history.
/// </summary>
public sealed class ItemReviewService(AppDbContext db, TenantContext tenant, Authorizer authorizer, TimeProvider time, Evidence.EvidenceTracker? evidence = null)
{
    public const string ReviewedAction = "checklist_item.reviewed";
    private const string ProjectWhat = "Project";
    private const string ItemWhat = "Checklist item";

    public async Task<ChecklistItemView> MarkReviewedAsync(Caller caller, Guid organizationId, Guid projectId, Guid itemId, MarkItemReviewedRequest request, CancellationToken cancellationToken)
    {
        await new MarkItemReviewedValidator().ValidateAndThrowAsync(request, cancellationToken);

        // Whoever may not view the project learns nothing (404); a viewer without can_edit_items is refused (403).
        await authorizer.EnsureAsync(caller, "can_edit_items", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var item = await db.ChecklistItems.SingleOrDefaultAsync(i => i.Id == itemId && i.ProjectId == projectId, cancellationToken)
            ?? throw new NotFoundException(ItemWhat);
        if (item.RetiredAt is not null)
        {
            throw new ConflictException($"The checklist item '{item.Name}' was retired by a framework upgrade (it is no longer in the project's framework); it is kept read-only with its history.");
        }

        if (item.Version != request.Version)
        {
            throw new PreconditionFailedException(
                $"The checklist item is at version {item.Version}, not {request.Version}: someone changed it since you read it. Read it again and decide again.");
        }

        // Only finished work has evidence to go stale; "reviewed" on an open item would say something untrue.
        if (item.Status != ChecklistItemStatus.Done)
        {
            throw new ConflictException($"The checklist item '{item.Name}' is {item.Status}, not Done: only a Done item is reviewed.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var changes = new System.Text.Json.Nodes.JsonObject
        {
            ["reviewedAt"] = ChecklistItemChangeSet.FromTo(Stamp(item.ReviewedAt), Stamp(now)),
        };
        if (item.EvidenceChangedAt is not null)
        {
            changes["evidenceChanged"] = ChecklistItemChangeSet.FromTo("true", null);
            item.EvidenceChangedAt = null;
        }

        item.ReviewedAt = now;
        item.UpdatedAt = now;
        item.UpdatedByUserId = caller.UserId;
        db.ActivityEntries.Add(new ActivityEntry
        {
            OrganizationId = organizationId,
            ProjectId = projectId,
            ChecklistItemId = item.Id,
            UserId = caller.UserId,
            Surface = caller.Surface,
            Client = ActivityEntry.ClientOf(caller),
            Action = ReviewedAction,
            ChangesJson = ChecklistItemChangeSet.ToJson(changes),
            At = now,
        });

        if (evidence is not null)
        {
            // The reviewer accepted the evidence as it stands: its files are recorded again at their next look.
            await evidence.TrackAsync([new(item, LinksChanged: false, Accepted: true)], cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The checklist item changed while the review was being saved; read it again and decide again.");
        }

        evidence?.Saved();

        return ChecklistItemView.Of(item, now);
    }

    private static string? Stamp(DateTime? at) => at?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
