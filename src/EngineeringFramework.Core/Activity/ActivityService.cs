using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Activity;

/// <summary>A project's history, whole or per checklist item; whoever may view the project may read it.</summary>
public sealed class ActivityService(AppDbContext db, TenantContext tenant, Authorizer authorizer)
{
    public Task<ActivityPage> ListForProjectAsync(Caller caller, Guid organizationId, Guid projectId, ListActivityRequest request, CancellationToken cancellationToken)
        => ListAsync(caller, organizationId, projectId, null, request, cancellationToken);

    public Task<ActivityPage> ListForItemAsync(Caller caller, Guid organizationId, Guid projectId, Guid itemId, ListActivityRequest request, CancellationToken cancellationToken)
        => ListAsync(caller, organizationId, projectId, itemId, request, cancellationToken);

    private async Task<ActivityPage> ListAsync(Caller caller, Guid organizationId, Guid projectId, Guid? itemId, ListActivityRequest request, CancellationToken cancellationToken)
    {
        await new ListActivityValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Project(projectId), "can_view", "Project", cancellationToken);
        tenant.Set(organizationId);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            throw new NotFoundException("Project");
        }

        var query = db.ActivityEntries.AsNoTracking().Where(a => a.ProjectId == projectId);
        if (itemId is { } item)
        {
            query = query.Where(a => a.ChecklistItemId == item);
        }

        if (request.Cursor is not null && ActivityCursor.TryDecode(request.Cursor, out var after))
        {
            query = query.Where(a => a.At < after!.At || (a.At == after.At && a.Id.CompareTo(after.Id) < 0));
        }

        var rows = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(request.Limit + 1)
            .Select(a => new
            {
                Entry = a,
                UserDisplayName = db.Users.Where(u => u.Id == a.UserId).Select(u => u.DisplayName).FirstOrDefault(),
                ServiceAccount = db.Users.Any(u => u.Id == a.UserId && u.IsServiceAccount),
            })
            .ToListAsync(cancellationToken);
        var items = rows.Take(request.Limit)
            .Select(r => new ActivityEntryView(
                r.Entry.Id,
                r.Entry.ProjectId,
                r.Entry.ChecklistItemId,
                r.Entry.UserId,
                r.UserDisplayName,
                r.Entry.Surface,
                r.Entry.Client,
                r.Entry.Action,
                JsonSerializer.Deserialize<JsonElement>(r.Entry.ChangesJson),
                r.Entry.At,
                r.ServiceAccount))
            .ToList();
        var next = rows.Count > request.Limit ? new ActivityCursor(items[^1].At, items[^1].Id).Encode() : null;
        return new ActivityPage(items, next);
    }
}
