using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.MyWork;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.MyWork;

/// <summary><c>/api/v1/organizations/{orgId}/my-work</c>: the caller's assigned items across projects, grouped by when they are due.</summary>
internal static class MyWorkApi
{
    public static IEndpointRouteBuilder MapMyWorkApi(this IEndpointRouteBuilder endpoints)
    {
        var myWork = endpoints.MapOrganizationGroup("/my-work", "My work");
        myWork.MapGet("/", ListAsync).WithName("ListMyWork")
            .WithSummary("Checklist items assigned to the caller in projects that are not archived, grouped Overdue, ThisWeek (today and the next six days), Later, NoDate (and Earlier: closed items due before today); open items only unless status or includeClosed=true; filter by projectId. At most 500 items, the most urgent first; total counts them all.")
            .ProducesValidationProblem();
        myWork.MapGet("/overdue-count", CountOverdueAsync).WithName("CountMyOverdueItems")
            .WithSummary("How many open items assigned to the caller are past their due date (UTC), in projects that are not archived.");
        return endpoints;
    }

    private static async Task<Ok<MyWorkList>> ListAsync(
        Guid orgId, string? projectId, string? status, string? includeClosed, HttpContext context, MyWorkService myWork, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new MyWorkRequest(query.Guid(projectId, "projectId"), query.Enum<ChecklistItemStatus>(status, "status"), query.Bool(includeClosed, "includeClosed") ?? false);
        query.ThrowIfInvalid();
        return TypedResults.Ok(await myWork.ListAsync(context.GetCaller(), orgId, request, cancellationToken));
    }

    private static async Task<Ok<OverdueCount>> CountOverdueAsync(Guid orgId, HttpContext context, MyWorkService myWork, CancellationToken cancellationToken)
        => TypedResults.Ok(new OverdueCount(await myWork.CountOverdueAsync(context.GetCaller(), orgId, cancellationToken)));

    internal sealed record OverdueCount(int Overdue);
}
