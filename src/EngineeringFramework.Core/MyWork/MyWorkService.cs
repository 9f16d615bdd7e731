using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.MyWork;

/// <summary>
/// "What is on my plate": the checklist items assigned to the caller across every project of the organization, grouped
/// by when they are due, and the count of overdue ones for the header. Items of archived projects are left out: their
/// checklists are read-only, so nothing on them is anyone's work any more.
/// </summary>
/// <remarks>
/// Authorized once on the organization (<c>can_view</c>): in the model every member may view every project, so a
/// per-project check would ask the same question again for each. Should the model ever narrow project visibility,
/// this is the one place to add it. "Today" is the UTC date, as for the checklist's overdue filter.
/// </remarks>
public sealed class MyWorkService(AppDbContext db, TenantContext tenant, Authorizer authorizer, TimeProvider time)
{
    /// <summary>At most this many items are listed (the most urgent first); <see cref="MyWorkList.Total"/> counts them all.</summary>
    public const int MaxItems = 500;

    private const ChecklistItemStatus Done = ChecklistItemStatus.Done;
    private const ChecklistItemStatus NotApplicable = ChecklistItemStatus.NotApplicable;

    public async Task<MyWorkList> ListAsync(Caller caller, Guid organizationId, MyWorkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await new MyWorkRequestValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var today = Today();
        var query = Assigned(caller.UserId);
        if (request.ProjectId is { } projectId)
        {
            query = query.Where(r => r.Item.ProjectId == projectId);
        }

        if (request.Status is { } status)
        {
            query = query.Where(r => r.Item.Status == status);
        }
        else if (!request.IncludeClosed)
        {
            query = query.Where(r => r.Item.Status != Done && r.Item.Status != NotApplicable);
        }

        var total = await query.CountAsync(cancellationToken);

        // Due date first with undated items last: the groups' order, so the cut keeps the most urgent.
        var rows = await query
            .OrderBy(r => r.Item.DueDate == null).ThenBy(r => r.Item.DueDate).ThenBy(r => r.ProjectName).ThenBy(r => r.Item.ProjectId)
            .ThenBy(r => r.Item.CategoryOrder).ThenBy(r => r.Item.SubcategoryOrder).ThenBy(r => r.Item.Order).ThenBy(r => r.Item.ItemSlug)
            .Take(MaxItems)
            .ToListAsync(cancellationToken);
        var groups = rows
            .Select(r => new MyWorkItem(r.Item.ProjectId, r.ProjectName, r.Item.CategoryName, r.Item.SubcategoryName, DueOf(r.Item, today), ChecklistItemView.Of(r.Item, time.GetUtcNow().UtcDateTime)))
            .GroupBy(i => i.Due)
            .OrderBy(g => g.Key)
            .Select(g => new MyWorkGroup(g.Key, [.. g]))
            .ToList();
        return new MyWorkList(today, total, groups);
    }

    /// <summary>How many open items assigned to the caller are past their due date (one indexed count).</summary>
    public async Task<int> CountOverdueAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var today = Today();
        return await Assigned(caller.UserId)
            .CountAsync(r => r.Item.DueDate != null && r.Item.DueDate < today && r.Item.Status != Done && r.Item.Status != NotApplicable, cancellationToken);
    }

    internal static MyWorkDue DueOf(ChecklistItem item, DateOnly today)
    {
        var open = item.Status is not (Done or NotApplicable);
        return item.DueDate switch
        {
            null => MyWorkDue.NoDate,
            { } due when due < today => open ? MyWorkDue.Overdue : MyWorkDue.Earlier,
            { } due when due <= today.AddDays(6) => MyWorkDue.ThisWeek,
            _ => MyWorkDue.Later,
        };
    }

    /// <summary>The caller's items in projects that are not archived, retired items left out (the tenant filter keeps both tables to this organization).</summary>
    private IQueryable<AssignedRow> Assigned(Guid userId)
        => from i in db.ChecklistItems.AsNoTracking()
           join p in db.Projects on i.ProjectId equals p.Id
           where i.AssigneeUserId == userId && p.Status != ProjectStatus.Archived && i.RetiredAt == null
           select new AssignedRow { Item = i, ProjectName = p.Name };

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Set by member initialization, not a constructor, so EF Core can still filter and sort through it.</summary>
    private sealed class AssignedRow
    {
        public required ChecklistItem Item { get; init; }

        public required string ProjectName { get; init; }
    }
}
