using EngineeringFramework.Core.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Dashboard;

/// <summary>The organization's dashboard figures and a project's progress over time, as the web app's dashboard shows them.</summary>
internal static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        var organization = endpoints.MapOrganizationGroup(string.Empty, "Dashboard");
        organization.MapGet("/dashboard", GetAsync).WithName("GetDashboard")
            .WithSummary("Per department and per project: progress over required items, required items open, overdue items, last activity; the organization's progress week by week over the last 12 weeks (archived projects left out of departments, overall and trend); Done items overdue for their periodic review (staleItems, the first 50, longest overdue first; staleCount counts them all), from projects that are not archived.");
        organization.MapGet("/projects/{projectId:guid}/progress-history", GetProjectHistoryAsync).WithName("GetProjectProgressHistory")
            .WithSummary("The project's required items complete, week by week over the last 12 weeks, rebuilt from its history.");
        return endpoints;
    }

    private static async Task<Ok<OrganizationDashboard>> GetAsync(Guid orgId, HttpContext context, DashboardService dashboard, CancellationToken cancellationToken)
        => TypedResults.Ok(await dashboard.GetAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<ProjectProgressHistory>> GetProjectHistoryAsync(Guid orgId, Guid projectId, HttpContext context, DashboardService dashboard, CancellationToken cancellationToken)
        => TypedResults.Ok(await dashboard.GetProjectHistoryAsync(context.GetCaller(), orgId, projectId, cancellationToken));
}
