using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Rendering;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Checklists;

/// <summary>A project's checklist: read it grouped in framework order, read one item in full, update items.</summary>
public sealed class ChecklistService(AppDbContext db, TenantContext tenant, Authorizer authorizer, MarkdownRenderer markdown, TimeProvider time, ChecklistStructures structures, Evidence.EvidenceTracker? evidence = null)
{
    public const string UpdatedAction = "checklist_item.updated";
    public const string ConfirmationRequestedAction = "checklist_item.confirmation_requested";
    private const string ProjectWhat = "Project";
    private const string ItemWhat = "Checklist item";

    /// <summary>
    /// The whole checklist, or only the items matching <paramref name="filter"/> (groups left empty are dropped).
    /// One query after the authorization check, whatever the checklist's size (two when no item matches).
    /// </summary>
    public async Task<ProjectChecklist> GetAsync(Caller caller, Guid organizationId, Guid projectId, ChecklistFilter? filter, CancellationToken cancellationToken)
    {
        if (filter is not null && filter != ChecklistFilter.None)
        {
            await new ChecklistFilterValidator().ValidateAndThrowAsync(filter, cancellationToken);
        }

        // One connection for the permission catch-up and both reads, instead of an open and close around each.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        return await ChecklistReader.ReadAsync(db, structures, projectId, filter ?? ChecklistFilter.None, time.GetUtcNow().UtcDateTime, cancellationToken) ?? throw new NotFoundException(ProjectWhat);
    }

    /// <summary>The project's items matching the request's filter, flat and paged (keyset on framework order).</summary>
    public async Task<ChecklistItemPage> ListItemsAsync(Caller caller, Guid organizationId, Guid projectId, ListChecklistItemsRequest request, CancellationToken cancellationToken)
    {
        await new ListChecklistItemsValidator().ValidateAndThrowAsync(request, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var after = request.Cursor is not null && ChecklistItemCursor.TryDecode(request.Cursor, out var cursor) ? cursor : null;
        return await ChecklistReader.ReadPageAsync(db, structures, projectId, request.Filter ?? ChecklistFilter.None, time.GetUtcNow().UtcDateTime, request.Limit, after, cancellationToken)
            ?? throw new NotFoundException(ProjectWhat);
    }

    /// <inheritdoc cref="GetAsync(Caller, Guid, Guid, ChecklistFilter?, CancellationToken)"/>
    public Task<ProjectChecklist> GetAsync(Caller caller, Guid organizationId, Guid projectId, CancellationToken cancellationToken)
        => GetAsync(caller, organizationId, projectId, null, cancellationToken);

    /// <summary>The item, with its definition and template looked up in the framework version the project was copied from.</summary>
    public async Task<ChecklistItemDetails> GetItemAsync(Caller caller, Guid organizationId, Guid projectId, Guid itemId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var row = await (
            from item in db.ChecklistItems.AsNoTracking()
            join project in db.Projects on item.ProjectId equals project.Id
            where item.Id == itemId && item.ProjectId == projectId
            select new
            {
                Item = item,
                Definition = db.FrameworkVersionItems
                    .Where(f => f.FrameworkVersionId == project.FrameworkVersionId && f.Slug == item.ItemSlug)
                    .Select(f => f.DefinitionMarkdown).FirstOrDefault(),
                TemplateName = db.FrameworkVersionTemplates
                    .Where(t => t.FrameworkVersionId == project.FrameworkVersionId && t.Slug == item.TemplateSlug)
                    .Select(t => t.Name).FirstOrDefault(),
            }).SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException(ItemWhat);

        var i = row.Item;
        return new ChecklistItemDetails(
            projectId,
            ChecklistItemView.Of(i, time.GetUtcNow().UtcDateTime),
            i.CategorySlug,
            i.CategoryName,
            i.SubcategorySlug,
            i.SubcategoryName,
            row.Definition,
            markdown.ToHtml(row.Definition),
            markdown.ToHtml(i.Notes),
            i.TemplateSlug is null ? null : new TemplateReference(i.TemplateSlug, row.TemplateName ?? i.TemplateSlug),
            evidence is null ? [] : await evidence.ListAsync(i.Id, cancellationToken));
    }

    public async Task<ChecklistItemView> UpdateItemAsync(Caller caller, Guid organizationId, Guid projectId, Guid itemId, UpdateChecklistItemRequest request, CancellationToken cancellationToken)
    {
        await new ChecklistItemChangeValidator<UpdateChecklistItemRequest>().ValidateAndThrowAsync(request, cancellationToken);
        var updated = await ApplyAsync(caller, organizationId, projectId, [new PendingChange(itemId, request, string.Empty)], cancellationToken);
        return updated[0];
    }

    /// <summary>All or nothing: one invalid, missing or stale item and nothing is saved; errors name the item by its index.</summary>
    public async Task<IReadOnlyList<ChecklistItemView>> UpdateItemsAsync(Caller caller, Guid organizationId, Guid projectId, BatchUpdateChecklistItemsRequest request, CancellationToken cancellationToken)
    {
        await new BatchUpdateChecklistItemsValidator().ValidateAndThrowAsync(request, cancellationToken);
        var changes = request.Items.Select((item, index) => new PendingChange(item.ItemId, item, $"Items[{index}]")).ToList();
        return await ApplyAsync(caller, organizationId, projectId, changes, cancellationToken);
    }

    private async Task<IReadOnlyList<ChecklistItemView>> ApplyAsync(Caller caller, Guid organizationId, Guid projectId, IReadOnlyList<PendingChange> changes, CancellationToken cancellationToken)
    {
        // can_edit_items excludes archived projects: an archived project's checklist is read-only.
        await authorizer.EnsureAsync(caller, "can_edit_items", Fga.Project(projectId), "can_view", ProjectWhat, cancellationToken);
        tenant.Set(organizationId);
        var ids = changes.Select(c => c.ItemId).ToList();
        var items = await db.ChecklistItems.Where(i => i.ProjectId == projectId && ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);

        foreach (var change in changes)
        {
            if (!items.TryGetValue(change.ItemId, out var item))
            {
                throw new NotFoundException(change.Prefix.Length == 0 ? ItemWhat : $"{ItemWhat} at {change.Prefix}");
            }

            if (item.RetiredAt is not null)
            {
                throw new ConflictException(
                    $"{(change.Prefix.Length == 0 ? "The checklist item" : $"The checklist item at {change.Prefix}")} '{item.Name}' was retired by a framework upgrade (it is no longer in the project's framework); it is kept read-only with its history.");
            }

            if (item.Version != change.Request.Version)
            {
                throw new PreconditionFailedException(
                    $"{(change.Prefix.Length == 0 ? "The checklist item" : $"The checklist item at {change.Prefix}")} is at version {item.Version}, not {change.Request.Version}: someone changed it since you read it. Read it again and reapply your change.");
            }
        }

        await EnsureAssigneesAreMembersAsync(changes, items, cancellationToken);
        var signOff = new SignOffGate(caller, organizationId, projectId, authorizer);
        var awaiting = items.Values.Any(i => i.AwaitingStatus is not null)
            ? await db.SignOffRequests.Where(r => ids.Contains(r.ChecklistItemId) && r.State == SignOffState.Awaiting).ToListAsync(cancellationToken)
            : [];

        var now = time.GetUtcNow().UtcDateTime;
        var touched = new List<Evidence.EvidenceTracker.Touched>(changes.Count);
        foreach (var change in changes)
        {
            var item = items[change.ItemId];
            var request = change.Request;

            // The sign-off policy, asked of the model: an agent's status that needs a person waits for one, and the rest of
            // the change (notes, evidence, assignee, due date) is saved now.
            ChecklistItemStatus? asked = null;
            if (request.Status != item.Status && await signOff.NeedsConfirmationAsync(request.Status, cancellationToken))
            {
                asked = request.Status;
                request = new StatusKept(request, item.Status, item.NotApplicableReason);
            }

            var statusChanged = request.Status != item.Status;
            var linksBefore = item.EvidenceLinks;
            var diff = ChecklistItemChangeSet.Apply(item, request, now);
            touched.Add(new(item, !ReferenceEquals(linksBefore, item.EvidenceLinks), statusChanged && item.Status == ChecklistItemStatus.Done));

            // Whoever sets the status of an item flagged by an upgrade has seen the new definition: the review is done.
            if (item.DefinitionChangedAt is not null && asked is null)
            {
                diff["definitionChangedSinceDone"] = new System.Text.Json.Nodes.JsonObject { ["from"] = "true", ["to"] = null };
                item.DefinitionChangedAt = null;
            }

            // A new request overtakes the one waiting; so does a status someone set directly.
            if (item.AwaitingStatus is { } previous && (asked is not null || statusChanged))
            {
                foreach (var waiting in awaiting.Where(r => r.ChecklistItemId == item.Id))
                {
                    waiting.State = SignOffState.Withdrawn;
                    waiting.DecidedAt = now;
                    waiting.DecidedByUserId = caller.UserId;
                }

                diff["awaitingConfirmation"] = ChecklistItemChangeSet.FromTo(previous.ToString(), asked?.ToString());
                item.AwaitingStatus = null;
            }

            if (asked is { } status)
            {
                db.SignOffRequests.Add(new SignOffRequest
                {
                    OrganizationId = organizationId,
                    ProjectId = projectId,
                    ChecklistItemId = item.Id,
                    Status = status,
                    NotApplicableReason = status == ChecklistItemStatus.NotApplicable ? change.Request.NotApplicableReason?.Trim() : null,
                    Rationale = string.IsNullOrWhiteSpace(change.Request.Rationale) ? null : change.Request.Rationale,
                    RequestedByUserId = caller.UserId,
                    Surface = caller.Surface,
                    Client = ActivityEntry.ClientOf(caller),
                    RequestedAt = now,
                });
                diff["awaitingConfirmation"] = ChecklistItemChangeSet.FromTo(diff["awaitingConfirmation"]?["from"]?.GetValue<string>(), status.ToString());
                if (!string.IsNullOrWhiteSpace(change.Request.Rationale))
                {
                    diff["rationale"] = ChecklistItemChangeSet.FromTo(null, ChecklistItemChangeSet.Shorten(change.Request.Rationale));
                }

                item.AwaitingStatus = status;
            }

            if (diff.Count == 0)
            {
                continue;
            }

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
                Action = asked is null ? UpdatedAction : ConfirmationRequestedAction,
                ChangesJson = ChecklistItemChangeSet.ToJson(diff),
                At = now,
            });
        }

        if (evidence is not null)
        {
            await evidence.TrackAsync(touched, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another request saved one of these items between our read and our write.
            throw new ConflictException("A checklist item changed while this update was being saved; read it again and reapply your change.");
        }

        evidence?.Saved();

        return [.. changes.Select(c => ChecklistItemView.Of(items[c.ItemId], now))];
    }

    /// <summary>Only a newly chosen assignee must be a member (one query for the whole batch); an unchanged one is left alone.</summary>
    private async Task EnsureAssigneesAreMembersAsync(IReadOnlyList<PendingChange> changes, Dictionary<Guid, ChecklistItem> items, CancellationToken cancellationToken)
    {
        var wanted = changes
            .Where(c => c.Request.AssigneeUserId is not null && c.Request.AssigneeUserId != items[c.ItemId].AssigneeUserId)
            .Select(c => c.Request.AssigneeUserId!.Value)
            .Distinct()
            .ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var members = (await db.Memberships.Where(m => wanted.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(cancellationToken)).ToHashSet();
        var failures = changes
            .Where(c => c.Request.AssigneeUserId is { } assignee && assignee != items[c.ItemId].AssigneeUserId && !members.Contains(assignee))
            .Select(c => new ValidationFailure(c.Field(nameof(IChecklistItemChange.AssigneeUserId)), "The assignee must be a member of the organization."))
            .ToList();
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }

    /// <summary>The change with the item's own status and reason in place of the ones that wait for a person.</summary>
    private sealed record StatusKept(IChecklistItemChange Change, ChecklistItemStatus Status, string? NotApplicableReason) : IChecklistItemChange
    {
        public long Version => Change.Version;

        public string? Notes => Change.Notes;

        public Guid? AssigneeUserId => Change.AssigneeUserId;

        public DateOnly? DueDate => Change.DueDate;

        public IReadOnlyList<string>? EvidenceLinks => Change.EvidenceLinks;

        public string? Rationale => Change.Rationale;
    }

    private sealed record PendingChange(Guid ItemId, IChecklistItemChange Request, string Prefix)
    {
        public string Field(string name) => Prefix.Length == 0 ? name : $"{Prefix}.{name}";
    }
}
