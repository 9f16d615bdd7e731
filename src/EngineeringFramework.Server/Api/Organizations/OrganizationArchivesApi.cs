using EngineeringFramework.Core.OrganizationArchives;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Api.Organizations;

/// <summary>
/// Taking an organization elsewhere: <c>GET /api/v1/organizations/{orgId}/export</c> (admins) downloads the archive,
/// <c>POST /api/v1/organizations/import</c> (any signed-in user, like onboarding) creates a new organization from one.
/// </summary>
internal static class OrganizationArchivesApi
{
    public static IEndpointRouteBuilder MapOrganizationArchivesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/organizations/import", ImportAsync)
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller(requireMembership: false)
            .WithTags("Organizations")
            .WithName("ImportOrganization").WithSummary("Create a new organization from an organization archive; the caller becomes its only admin.")
            // Larger than the server's default body limit: an archive carries whole checklists, history and a framework.
            .WithMetadata(new RequestSizeLimitAttribute(OrganizationArchiveLimits.MaxBytes))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        endpoints.MapGet("/api/v1/organizations/{orgId:guid}/export", ExportAsync)
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller()
            .WithTags("Organizations")
            .WithName("ExportOrganization").WithSummary("Download the organization as a versioned JSON archive (admins).")
            .Produces<OrganizationArchive>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }

    private static async Task<FileContentHttpResult> ExportAsync(Guid orgId, HttpContext context, OrganizationArchiveService archives, CancellationToken cancellationToken)
        => Download(await archives.ExportAsync(context.GetCaller(), orgId, cancellationToken));

    /// <summary>The archive as a file download, named by slug and export time; the web app's download sends the same.</summary>
    internal static FileContentHttpResult Download(OrganizationArchive archive)
    {
        var name = $"organization-{archive.Organization.Slug}-{archive.ExportedAt:yyyyMMdd-HHmmss}.json";
        return TypedResults.File(OrganizationArchiveJson.Serialize(archive), "application/json", name);
    }

    private static async Task<Created<OrganizationSummary>> ImportAsync(OrganizationArchive archive, HttpContext context, OrganizationArchiveService archives, CancellationToken cancellationToken)
    {
        var created = await archives.ImportAsync(context.GetCaller(), archive, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{created.Id}", created);
    }
}
