using EngineeringFramework.Server.Identity;

namespace EngineeringFramework.Server.Api;

/// <summary>The defaults every route inside one organization shares, put on the group once.</summary>
internal static class OrganizationRoutes
{
    /// <summary>
    /// A group under <c>/api/v1/organizations/{orgId}</c>: API tokens only, the caller resolved from the token,
    /// users still in onboarding refused. Every route may answer 404 (the organization or object is not the
    /// caller's to see) and 403 (visible, but not the caller's to change).
    /// </summary>
    public static RouteGroupBuilder MapOrganizationGroup(this IEndpointRouteBuilder endpoints, string path, string tag)
        => endpoints.MapGroup("/api/v1/organizations/{orgId:guid}" + path)
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller()
            .WithTags(tag)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
