using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Rendering;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.SignOff;

/// <summary>
/// The review queue: what agents asked for under a policy that needs a person, and that person's decision. Confirming sets
/// the item to the requested status; sending back leaves it as it was, with a comment the agent reads. Both are in the
/// item's history.
/// </summary>
/// <remarks>
/// Who decides: a person acting directly (not through an agent) who could set the requested status themselves
/// (<c>can_set_&lt;status&gt;</c> on the project, asked without agent context). That can be the person the agent acted
/// for: the policy puts a person in the loop; it does not ask for a second one.
/// </remarks>
public sealed class SignOffService(AppDbContext db, TenantContext tenant, Authorizer authorizer, MarkdownRenderer markdown, TimeProvider time, Evidence.EvidenceTracker? evidence = null)
{
    public const string ConfirmedAction = "checklist_item.confirmed";
    public const string SentBackAction = "checklist_item.sent_back";
    private const string RequestWhat = "Sign-off request";

    /// <summary>Requests in the organization (or one project), newest first. Any member may read them; <see cref="ListSignOffRequests.Mine"/> narrows to the caller's own.</summary>
    public async Task<IReadOnlyList<SignOffRequestView>> ListAsync(Caller caller, Guid organizationId, ListSignOffRequests request, CancellationToken cancellationToken)
    {
        await new ListSignOffRequestsValidator().ValidateAndThrowAsync(request, cancellationToken);
        if (request.ProjectId is { } projectId)
        {
            await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", "Project", cancellationToken);
        }
        else
        {
            await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        }

        tenant.Set(organizationId);
        var query = db.SignOffRequests.AsNoTracking();
        if (request.ProjectId is { } project)
        {
            query = query.Where(r => r.ProjectId == project);
        }

        if (request.State is { } state)
        {
            query = query.Where(r => r.State == state);
        }

        if (request.Mine)
        {
            query = query.Where(r => r.RequestedByUserId == caller.UserId);
        }

        if (request.ItemId is { } item)
        {
            query = query.Where(r => r.ChecklistItemId == item);
        }

        return await ViewsAsync(query.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).Take(request.Limit), cancellationToken);
    }

    public async Task<SignOffRequestView> GetAsync(Caller caller, Guid organizationId, Guid requestId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var views = await ViewsAsync(db.SignOffRequests.AsNoTracking().Where(r => r.Id == requestId), cancellationToken);
        return views.Count == 1 ? views[0] : throw new NotFoundException(RequestWhat);
    }

    /// <summary>Whether the caller may decide this request; pages offer the forms only then. <see cref="ConfirmAsync"/> checks again.</summary>
    public async Task<bool> CanDecideAsync(Caller caller, Guid projectId, ChecklistItemStatus status, CancellationToken cancellationToken)
        => !caller.ActsThroughAgent && await authorizer.CheckAsync(caller, AgentSignOff.SetRelation(status), Fga.Project(projectId), cancellationToken);

    /// <summary>The item takes the requested status (and reason); the request is Confirmed. Refused once anyone else decided first.</summary>
    public Task<SignOffRequestView> ConfirmAsync(Caller caller, Guid organizationId, Guid requestId, SignOffDecision decision, CancellationToken cancellationToken)
        => DecideAsync(caller, organizationId, requestId, decision, confirm: true, cancellationToken);

    /// <summary>The item keeps its status; the request is SentBack with the person's comment for the agent.</summary>
    public Task<SignOffRequestView> SendBackAsync(Caller caller, Guid organizationId, Guid requestId, SignOffDecision decision, CancellationToken cancellationToken)
        => DecideAsync(caller, organizationId, requestId, decision, confirm: false, cancellationToken);

    private async Task<SignOffRequestView> DecideAsync(Caller caller, Guid organizationId, Guid requestId, SignOffDecision decision, bool confirm, CancellationToken cancellationToken)
    {
        await new SignOffDecisionValidator(commentRequired: !confirm).ValidateAndThrowAsync(decision, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var request = await db.SignOffRequests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken) ?? throw new NotFoundException(RequestWhat);
        if (caller.ActsThroughAgent)
        {
            throw new ForbiddenException("Only a person acting directly confirms or sends back an agent's request, in the web app or the REST API.");
        }

        // The same relation a person needs to set this status on this project: an archived project, or a member who may
        // not edit its checklist, is refused here.
        await authorizer.EnsureAsync(caller, AgentSignOff.SetRelation(request.Status), Fga.Project(request.ProjectId), "can_view", "Project", cancellationToken);
        if (request.State != SignOffState.Awaiting)
        {
            throw new ConflictException($"This request was already {Describe(request.State)}; there is nothing left to decide.");
        }

        var item = await db.ChecklistItems.SingleOrDefaultAsync(i => i.Id == request.ChecklistItemId, cancellationToken) ?? throw new NotFoundException("Checklist item");
        if (item.RetiredAt is not null)
        {
            throw new ConflictException($"The checklist item '{item.Name}' was retired by a framework upgrade; it is kept read-only with its history.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var comment = string.IsNullOrWhiteSpace(decision.Comment) ? null : decision.Comment;
        request.State = confirm ? SignOffState.Confirmed : SignOffState.SentBack;
        request.DecidedByUserId = caller.UserId;
        request.DecidedAt = now;
        request.Comment = comment;

        var changes = new System.Text.Json.Nodes.JsonObject
        {
            ["awaitingConfirmation"] = ChecklistItemChangeSet.FromTo(request.Status.ToString(), null),
            ["requestedBy"] = ChecklistItemChangeSet.FromTo(null, request.RequestedByUserId.ToString()),
            ["agent"] = ChecklistItemChangeSet.FromTo(null, request.Client),
        };
        if (comment is not null)
        {
            changes["comment"] = ChecklistItemChangeSet.FromTo(null, ChecklistItemChangeSet.Shorten(comment));
        }

        item.AwaitingStatus = null;
        var completed = false;
        if (confirm)
        {
            var reason = request.Status == ChecklistItemStatus.NotApplicable ? request.NotApplicableReason : null;
            if (item.Status != request.Status)
            {
                changes["status"] = ChecklistItemChangeSet.FromTo(item.Status.ToString(), request.Status.ToString());
                item.ChangeStatus(request.Status, now);
                completed = request.Status == ChecklistItemStatus.Done;
            }

            if (item.NotApplicableReason != reason)
            {
                changes["notApplicableReason"] = ChecklistItemChangeSet.FromTo(ChecklistItemChangeSet.Shorten(item.NotApplicableReason), ChecklistItemChangeSet.Shorten(reason));
                item.NotApplicableReason = reason;
            }

            item.DefinitionChangedAt = null;
        }

        item.UpdatedAt = now;
        item.UpdatedByUserId = caller.UserId;
        db.ActivityEntries.Add(new ActivityEntry
        {
            OrganizationId = organizationId,
            ProjectId = request.ProjectId,
            ChecklistItemId = item.Id,
            UserId = caller.UserId,
            Surface = caller.Surface,
            Client = ActivityEntry.ClientOf(caller),
            Action = confirm ? ConfirmedAction : SentBackAction,
            ChangesJson = ChecklistItemChangeSet.ToJson(changes),
            At = now,
        });
        if (evidence is not null && completed)
        {
            // The evidence a person just accepted is what later changes are measured against.
            await evidence.TrackAsync([new(item, LinksChanged: false, Accepted: true)], cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone decided the request, or changed the item, between our read and our write: theirs stands.
            throw new ConflictException("This request or its item changed while your decision was being saved; read it again.");
        }

        evidence?.Saved();

        return (await ViewsAsync(db.SignOffRequests.AsNoTracking().Where(r => r.Id == requestId), cancellationToken))[0];
    }

    private static string Describe(SignOffState state) => state switch
    {
        SignOffState.Confirmed => "confirmed",
        SignOffState.SentBack => "sent back",
        _ => "withdrawn (a later request or a direct change overtook it)",
    };

    private async Task<IReadOnlyList<SignOffRequestView>> ViewsAsync(IQueryable<SignOffRequest> requests, CancellationToken cancellationToken)
    {
        var rows = await (
            from r in requests
            join item in db.ChecklistItems on r.ChecklistItemId equals item.Id
            join project in db.Projects on r.ProjectId equals project.Id
            select new
            {
                Request = r,
                ProjectName = project.Name,
                ItemName = item.Name,
                item.Status,
                item.EvidenceLinks,
                RequestedBy = db.Users.Where(u => u.Id == r.RequestedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                DecidedBy = db.Users.Where(u => u.Id == r.DecidedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
            }).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(x => x.Request.RequestedAt).ThenByDescending(x => x.Request.Id).Select(x => new SignOffRequestView(
            x.Request.Id, x.Request.ProjectId, x.ProjectName, x.Request.ChecklistItemId, x.ItemName, x.Status, x.Request.Status,
            x.Request.NotApplicableReason, x.Request.Rationale, markdown.ToHtml(x.Request.Rationale), x.EvidenceLinks,
            x.Request.RequestedByUserId, x.RequestedBy ?? "A deleted account", x.Request.Surface, x.Request.Client, x.Request.RequestedAt,
            x.Request.State, x.Request.DecidedByUserId, x.DecidedBy, x.Request.DecidedAt, x.Request.Comment))];
    }
}
