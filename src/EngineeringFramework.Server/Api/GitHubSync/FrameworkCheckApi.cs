using EngineeringFramework.Core.GitHubSync;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.GitHubSync;

/// <summary>
/// <c>/api/v1/organizations/{orgId}/github-sync/checks</c>: the checks of pushed commits and pull requests, for every
/// member (the same result the commit status on GitHub links to).
/// </summary>
internal static class FrameworkCheckApi
{
    public static IEndpointRouteBuilder MapFrameworkCheckApi(this IEndpointRouteBuilder endpoints)
    {
        var checks = endpoints.MapOrganizationGroup("/github-sync/checks", "GitHubSync");
        checks.MapGet("/", ListAsync).WithName("ListFrameworkChecks")
            .WithSummary("Recent checks of pushed commits and pull requests, newest first: commit, branch or pull request, state, counts, whether GitHub was told; limit 1-100, default 20 (members).")
            .ProducesValidationProblem();
        checks.MapGet("/{checkId:guid}", GetAsync).WithName("GetFrameworkCheck")
            .WithSummary("One check: its errors with their locations, or the diff against the organization's framework and the projects it would affect, and the commit status sent (members).");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<FrameworkCheckSummary>>> ListAsync(Guid orgId, string? limit, HttpContext context, FrameworkCheckService checks, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var size = query.Int(limit, "limit");
        query.ThrowIfInvalid();
        return TypedResults.Ok(await checks.ListAsync(context.GetCaller(), orgId, size ?? 20, cancellationToken));
    }

    private static async Task<Ok<FrameworkCheckView>> GetAsync(Guid orgId, Guid checkId, HttpContext context, FrameworkCheckService checks, CancellationToken cancellationToken)
        => TypedResults.Ok(await checks.GetAsync(context.GetCaller(), orgId, checkId, cancellationToken));
}
