using EngineeringFramework.Core.Activity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Activity;

/// <summary>A project's history, whole or per checklist item, newest first.</summary>
internal static class ActivityApi
{
    public static IEndpointRouteBuilder MapActivityApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapOrganizationGroup("/projects/{projectId:guid}", "Activity");
        project.MapGet("/activity", ListForProjectAsync).WithName("ListProjectActivity")
            .WithSummary("The project's history, newest first; page with limit (1-100, default 50) and cursor.")
            .ProducesValidationProblem();
        project.MapGet("/checklist/items/{itemId:guid}/activity", ListForItemAsync).WithName("ListChecklistItemActivity")
            .WithSummary("One checklist item's history, newest first; page with limit (1-100, default 50) and cursor.")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<Ok<ActivityPage>> ListForProjectAsync(Guid orgId, Guid projectId, string? limit, string? cursor, HttpContext context, ActivityService activity, CancellationToken cancellationToken)
        => TypedResults.Ok(await activity.ListForProjectAsync(context.GetCaller(), orgId, projectId, Page(limit, cursor), cancellationToken));

    private static async Task<Ok<ActivityPage>> ListForItemAsync(Guid orgId, Guid projectId, Guid itemId, string? limit, string? cursor, HttpContext context, ActivityService activity, CancellationToken cancellationToken)
        => TypedResults.Ok(await activity.ListForItemAsync(context.GetCaller(), orgId, projectId, itemId, Page(limit, cursor), cancellationToken));

    private static ListActivityRequest Page(string? limit, string? cursor)
    {
        var query = new QueryValues();
        var request = new ListActivityRequest(Cursor: cursor);
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return request;
    }
}
