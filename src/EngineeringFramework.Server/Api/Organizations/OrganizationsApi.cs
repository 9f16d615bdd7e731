using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Api.Organizations;

/// <summary><c>/api/v1/organizations</c>: onboarding, view, rename, plan (super-admins), delete.</summary>
internal static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder endpoints)
    {
        var onboarding = endpoints.MapGroup("/api/v1/organizations")
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithTags("Organizations");
        onboarding.MapPost("/", CreateAsync).WithApiCaller(requireMembership: false)
            .WithName("CreateOrganization").WithSummary("Create an organization; the caller becomes its admin.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        onboarding.MapGet("/", ListMineAsync).WithApiCaller(requireMembership: false)
            .WithName("ListMyOrganizations").WithSummary("The caller's organizations.");

        var organization = endpoints.MapGroup("/api/v1/organizations/{orgId:guid}")
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller()
            .WithTags("Organizations")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        organization.MapGet("/", GetAsync).WithName("GetOrganization").WithSummary("One organization the caller belongs to.");
        organization.MapPatch("/", RenameAsync).WithName("RenameOrganization").WithSummary("Rename (admins).").ProducesValidationProblem();
        organization.MapPut("/plan", ChangePlanAsync).WithName("ChangeOrganizationPlan").WithSummary("Change the plan (system super-admins only).").ProducesValidationProblem();
        organization.MapDelete("/", DeleteAsync).WithName("DeleteOrganization").WithSummary("Delete the organization and everything it owns (admins; confirm with its exact name).").ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<Created<OrganizationSummary>> CreateAsync(CreateOrganizationRequest request, HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
    {
        var created = await organizations.CreateAsync(context.GetCaller(), request, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<OrganizationSummary>>> ListMineAsync(HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
        => TypedResults.Ok(await organizations.ListMineAsync(context.GetCaller(), cancellationToken));

    private static async Task<Ok<OrganizationSummary>> GetAsync(Guid orgId, HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
        => TypedResults.Ok(await organizations.GetAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<OrganizationSummary>> RenameAsync(Guid orgId, RenameOrganizationRequest request, HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
        => TypedResults.Ok(await organizations.RenameAsync(context.GetCaller(), orgId, request, cancellationToken));

    private static async Task<Ok<OrganizationSummary>> ChangePlanAsync(Guid orgId, ChangePlanRequest request, HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
        => TypedResults.Ok(await organizations.ChangePlanAsync(context.GetCaller(), orgId, request, cancellationToken));

    private static async Task<NoContent> DeleteAsync(Guid orgId, [FromBody] DeleteOrganizationRequest request, HttpContext context, OrganizationService organizations, CancellationToken cancellationToken)
    {
        await organizations.DeleteAsync(context.GetCaller(), orgId, request, cancellationToken);
        return TypedResults.NoContent();
    }
}
