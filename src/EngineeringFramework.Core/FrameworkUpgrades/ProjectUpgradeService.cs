using System.Text.Json.Nodes;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.FrameworkUpgrades;

/// <summary>
/// Brings a project's checklist to the organization's current framework version, when the project's managers choose:
/// preview what it would do, then apply it in one transaction. New items start Not started; kept items keep their
/// status, notes, evidence, assignee and due date; finished items whose definition changed are flagged for review (or
/// reset, by the organization's setting); removed items are retired, read-only, with their history.
/// </summary>
/// <remarks>
/// Who may: anyone who may read the project may preview (it changes nothing and shows only the project and the
/// framework, which they can already read); applying needs <c>can_update</c> on the project (its lead, or whoever may
/// update the organization's projects), and the project must not be archived. A whole department's projects need
/// <c>can_update_project</c> on the organization: the permission to update every one of them.
/// </remarks>
public sealed class ProjectUpgradeService(AppDbContext db, TenantContext tenant, Authorizer authorizer, TimeProvider time, FrameworkVersionService versions, FrameworkDiffs diffs)
{
    public const string ProjectUpgradedAction = "project.framework_upgraded";
    public const string ItemUpgradedAction = "checklist_item.upgraded";
    public const string ItemAddedAction = "checklist_item.added";
    private const string ProjectWhat = "Project";

    /// <summary>The organization's rule for finished items whose definition an upgrade changes; its members may read it.</summary>
    public async Task<UpgradePolicy> GetPolicyAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        return new UpgradePolicy(await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.ResetChangedItemsOnUpgrade).SingleOrDefaultAsync(cancellationToken));
    }

    /// <summary>Admins only (<c>can_manage_framework_policy</c>); applies to upgrades from now on.</summary>
    public async Task<UpgradePolicy> SetPolicyAsync(Caller caller, Guid organizationId, UpgradePolicy policy, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_manage_framework_policy", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken) ?? throw new NotFoundException("Organization");
        organization.ResetChangedItemsOnUpgrade = policy.ResetChangedItems;
        await db.SaveChangesAsync(cancellationToken);
        return policy;
    }

    /// <summary>
    /// Whether the caller may apply an upgrade to the project (<c>can_update</c>), so that pages offer the form only to
    /// them; <see cref="ApplyAsync"/> checks again. A project the caller may not read is not found.
    /// </summary>
    public async Task<bool> CanApplyAsync(Caller caller, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        return await authorizer.CheckAsync(caller, "can_update", Fga.Project(projectId), cancellationToken);
    }

    /// <summary>Whether the caller may change the organization's upgrade policy (<c>can_manage_framework_policy</c>); <see cref="SetPolicyAsync"/> checks again.</summary>
    public Task<bool> CanSetPolicyAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
        => authorizer.CheckAsync(caller, "can_manage_framework_policy", Fga.Organization(organizationId), cancellationToken);

    /// <summary>
    /// The department upgrade the caller could start: the organization's current version and how many of the
    /// department's projects (not archived) are behind it. Null when the caller may not update the organization's
    /// projects (<see cref="UpgradeDepartmentAsync"/> would refuse them) or no project is behind.
    /// </summary>
    public async Task<DepartmentUpgradeOffer?> GetDepartmentOfferAsync(Caller caller, Guid organizationId, Guid departmentId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Department(departmentId), "can_view", "Department", cancellationToken);
        if (!await authorizer.CheckAsync(caller, "can_update_project", Fga.Organization(organizationId), cancellationToken))
        {
            return null;
        }

        tenant.Set(organizationId);
        var effective = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken);
        if (effective is null)
        {
            return null;
        }

        var behind = await db.Projects.AsNoTracking()
            .CountAsync(p => p.DepartmentId == departmentId && p.Status != ProjectStatus.Archived && p.FrameworkVersionId != effective.Id, cancellationToken);
        return behind == 0 ? null : new DepartmentUpgradeOffer((await versions.SummariesAsync(organizationId, cancellationToken)).Single(v => v.Id == effective.Id), behind);
    }

    public async Task<ProjectUpgradePreview> PreviewAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(ProjectWhat);
        var items = await db.ChecklistItems.AsNoTracking().Where(i => i.ProjectId == projectId).ToListAsync(cancellationToken);
        var context = await ContextAsync(organizationId, project, cancellationToken);
        var (steps, unchanged) = UpgradePlanner.Plan(items, context.From, context.To, context.ResetChanged);
        return Preview(project, context, steps, unchanged);
    }

    /// <summary>
    /// Whether the organization's current framework is newer than the project's, with the item counts of the difference;
    /// null when the project is up to date (or has no framework to compare with). For the project's page and summary.
    /// </summary>
    public async Task<UpgradeAvailability?> GetAvailabilityAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var current = await db.Projects.AsNoTracking().Where(p => p.Id == projectId).Select(p => new { p.FrameworkVersionId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(ProjectWhat);
        var effective = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken);
        if (effective is null || current.FrameworkVersionId == effective.Id || current.FrameworkVersionId is null)
        {
            return null;
        }

        // Both ids were read through the tenant filter just above: the project's own version and the effective one.
        if (await diffs.GetAsync(db, current.FrameworkVersionId.Value, effective.Id, cancellationToken) is not { } diff)
        {
            return null;
        }

        var summaries = await versions.SummariesAsync(organizationId, cancellationToken);
        return new UpgradeAvailability(current.FrameworkVersionId, summaries.Single(v => v.Id == effective.Id), diff.ItemsAdded, diff.ItemsRemoved, diff.ItemsChanged);
    }

    public async Task<ProjectUpgradeResult> ApplyAsync(Caller caller, Guid organizationId, Guid projectId, ApplyProjectUpgradeRequest request, CancellationToken cancellationToken)
    {
        await new ApplyProjectUpgradeValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_update", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        return await UpgradeOneAsync(caller, organizationId, projectId, request.ToVersionId, cancellationToken);
    }

    /// <summary>Every project of the department that is not archived, each in its own transaction (one project's conflict does not undo the others).</summary>
    public async Task<DepartmentUpgradeResult> UpgradeDepartmentAsync(Caller caller, Guid organizationId, Guid departmentId, UpgradeDepartmentRequest request, CancellationToken cancellationToken)
    {
        await new UpgradeDepartmentValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Department(departmentId), "can_view", "Department", cancellationToken);
        await authorizer.EnsureAsync(caller, "can_update_project", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        if (!await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken))
        {
            throw new NotFoundException("Department");
        }

        await EnsureEffectiveAsync(request.ToVersionId, cancellationToken);
        var projects = await db.Projects.AsNoTracking().Where(p => p.DepartmentId == departmentId)
            .Select(p => new { p.Id, p.Name, p.Status, p.FrameworkVersionId }).ToListAsync(cancellationToken);
        var upgraded = new List<ProjectUpgradeResult>();
        var skipped = new List<SkippedUpgrade>();
        var current = 0;
        foreach (var project in projects.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id))
        {
            if (project.FrameworkVersionId == request.ToVersionId)
            {
                current++;
            }
            else if (project.Status == ProjectStatus.Archived)
            {
                skipped.Add(new SkippedUpgrade(project.Id, project.Name, "The project is archived; reopen it to upgrade it."));
            }
            else
            {
                try
                {
                    upgraded.Add(await UpgradeOneAsync(caller, organizationId, project.Id, request.ToVersionId, cancellationToken));
                }
                catch (ConflictException conflict)
                {
                    skipped.Add(new SkippedUpgrade(project.Id, project.Name, conflict.Message));
                }
            }
        }

        return new DepartmentUpgradeResult(upgraded, current, skipped);
    }

    private async Task<ProjectUpgradeResult> UpgradeOneAsync(Caller caller, Guid organizationId, Guid projectId, Guid toVersionId, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException(ProjectWhat);
            if (project.Status == ProjectStatus.Archived)
            {
                throw new ConflictException("The project is archived, so its checklist is read-only; reopen it to upgrade it.");
            }

            await EnsureEffectiveAsync(toVersionId, cancellationToken);
            if (project.FrameworkVersionId == toVersionId)
            {
                throw new ConflictException("The project is already at this framework version.");
            }

            // Compare and swap: only one upgrade of this project from this version can win; a second one, concurrent or
            // replayed, finds the project moved on and changes nothing. On PostgreSQL the row lock makes the loser wait
            // for the winner's commit, then see the new version.
            var swapped = await db.Projects
                .Where(p => p.Id == projectId && p.FrameworkVersionId == project.FrameworkVersionId)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.FrameworkVersionId, toVersionId), cancellationToken);
            if (swapped != 1)
            {
                throw new ConflictException("The project's framework version changed while this upgrade was being applied; preview it again.");
            }

            var items = await db.ChecklistItems.Where(i => i.ProjectId == projectId).ToListAsync(cancellationToken);
            var context = await ContextAsync(organizationId, project, cancellationToken, toVersionId);
            var (steps, _) = UpgradePlanner.Plan(items, context.From, context.To, context.ResetChanged);
            var before = items.ToDictionary(i => i.Id, Snapshot);
            var now = time.GetUtcNow().UtcDateTime;
            var added = UpgradePlanner.Apply(steps, organizationId, projectId, now);
            db.ChecklistItems.AddRange(added);
            foreach (var item in items.Where(i => db.Entry(i).State == EntityState.Modified))
            {
                item.UpdatedByUserId = caller.UserId;
                Record(caller, organizationId, projectId, item.Id, ItemUpgradedAction, Changes(before[item.Id], Snapshot(item)), now);
            }

            foreach (var item in added)
            {
                item.UpdatedByUserId = caller.UserId;
                Record(caller, organizationId, projectId, item.Id, ItemAddedAction, Changes(null, Snapshot(item)), now);
            }

            var result = new ProjectUpgradeResult(
                projectId,
                project.FrameworkVersionId,
                toVersionId,
                steps.Count(s => s.Outcome == UpgradeOutcome.Added),
                steps.Count(s => s.Outcome == UpgradeOutcome.Updated),
                steps.Count(s => s.Outcome == UpgradeOutcome.FlaggedForReview),
                steps.Count(s => s.Outcome == UpgradeOutcome.Reset),
                steps.Count(s => s.Outcome == UpgradeOutcome.Retired),
                steps.Count(s => s.Outcome == UpgradeOutcome.Restored));
            Record(caller, organizationId, projectId, null, ProjectUpgradedAction, new JsonObject
            {
                ["frameworkVersion"] = FromTo(context.FromSummary is { } f ? $"{f.Number} ({Short(f.ContentHash)})" : null, $"{context.ToSummary.Number} ({Short(context.ToSummary.ContentHash)})"),
                ["itemsAdded"] = FromTo(null, result.Added.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ["itemsRetired"] = FromTo(null, result.Retired.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ["itemsFlaggedForReview"] = FromTo(null, result.FlaggedForReview.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ["itemsReset"] = FromTo(null, result.Reset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            }, now);

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // An item was saved by someone else between our read and our write: the whole upgrade is undone.
                throw new ConflictException("A checklist item changed while the upgrade was being applied; nothing was changed. Preview the upgrade again.");
            }

            await transaction.CommitAsync(cancellationToken);
            return result;
        });
    }

    private sealed record UpgradeContext(FrameworkDefinition? From, FrameworkDefinition To, FrameworkVersionSummary? FromSummary, FrameworkVersionSummary ToSummary, bool ResetChanged);

    /// <param name="toVersionId">The version to upgrade to; the organization's effective version when null.</param>
    private async Task<UpgradeContext> ContextAsync(Guid organizationId, Project project, CancellationToken cancellationToken, Guid? toVersionId = null)
    {
        var reader = new FrameworkVersionReader(db);
        var target = toVersionId ?? (await reader.GetEffectiveAsync(cancellationToken))?.Id ?? throw new NotFoundException("Framework");
        var summaries = await versions.SummariesAsync(organizationId, cancellationToken);
        var from = project.FrameworkVersionId is { } fromId ? await reader.LoadAsync(fromId, cancellationToken) : null;
        var to = await reader.LoadAsync(target, cancellationToken) ?? throw new NotFoundException("Framework version");
        var reset = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.ResetChangedItemsOnUpgrade).SingleAsync(cancellationToken);
        return new UpgradeContext(from, to, summaries.SingleOrDefault(v => v.Id == project.FrameworkVersionId), summaries.Single(v => v.Id == target), reset);
    }

    private async Task EnsureEffectiveAsync(Guid toVersionId, CancellationToken cancellationToken)
    {
        var effective = await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken) ?? throw new NotFoundException("Framework");
        if (effective.Id != toVersionId)
        {
            // Visible or not, a version other than the current one is refused the same way: nothing to learn about ids.
            throw new ConflictException("Projects can be upgraded only to the organization's current framework version, and that is not the version given: preview the upgrade again.");
        }
    }

    private static ProjectUpgradePreview Preview(Project project, UpgradeContext context, List<PlannedStep> steps, int unchanged)
    {
        var diff = context.From is null ? FrameworkDiffer.Compare(new FrameworkDefinition([], []), context.To) : FrameworkDiffer.Compare(context.From, context.To);
        var upToDate = project.FrameworkVersionId == context.ToSummary.Id;
        return new ProjectUpgradePreview(
            project.Id,
            project.Name,
            context.FromSummary,
            context.ToSummary,
            upToDate,
            steps.Count(s => s.Outcome == UpgradeOutcome.Added),
            steps.Count(s => s.Outcome == UpgradeOutcome.Retired),
            steps.Count(s => s.Outcome is UpgradeOutcome.Updated or UpgradeOutcome.FlaggedForReview or UpgradeOutcome.Reset or UpgradeOutcome.Restored),
            unchanged,
            context.ResetChanged,
            [.. steps.Select(s => new UpgradeItemPlan(s.Slug, s.Name, s.Outcome, s.Aspects, s.Existing?.Id, s.Existing?.Status, s.StatusAfter))],
            diff);
    }

    private void Record(Caller caller, Guid organizationId, Guid projectId, Guid? itemId, string action, JsonObject changes, DateTime now)
    {
        if (changes.Count == 0)
        {
            return;
        }

        db.ActivityEntries.Add(new ActivityEntry
        {
            OrganizationId = organizationId,
            ProjectId = projectId,
            ChecklistItemId = itemId,
            UserId = caller.UserId,
            Surface = caller.Surface,
            Client = ActivityEntry.ClientOf(caller),
            Action = action,
            ChangesJson = changes.ToJsonString(),
            At = now,
        });
    }

    private static Dictionary<string, string?> Snapshot(ChecklistItem i) => new(StringComparer.Ordinal)
    {
        ["name"] = i.Name,
        ["category"] = i.CategoryName,
        ["subcategory"] = i.SubcategoryName,
        ["optional"] = i.Optional ? "true" : "false",
        ["templateSlug"] = i.TemplateSlug,
        ["reviewIntervalDays"] = i.ReviewIntervalDays?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = i.Status.ToString(),
        ["notApplicableReason"] = i.NotApplicableReason,
        ["retired"] = i.RetiredAt is null ? null : "true",
        ["definitionChangedSinceDone"] = i.DefinitionChangedAt is null ? null : "true",
    };

    private static JsonObject Changes(Dictionary<string, string?>? before, Dictionary<string, string?> after)
    {
        var changes = new JsonObject();
        foreach (var (field, value) in after)
        {
            var was = before?.GetValueOrDefault(field);
            if (was != value)
            {
                changes[field] = FromTo(was, value);
            }
        }

        return changes;
    }

    private static JsonObject FromTo(string? from, string? to) => new() { ["from"] = from, ["to"] = to };

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];
}
