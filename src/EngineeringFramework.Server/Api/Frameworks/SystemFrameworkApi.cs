using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Api.Frameworks;

/// <summary>
/// <c>/api/v1/system/framework</c>: the system framework, for system super-admins only (everyone else gets
/// 404: these routes do not exist for them). Membership of an organization is not required.
/// </summary>
internal static class SystemFrameworkApi
{
    private const long MaxArchiveBytes = 25 * 1024 * 1024;

    public static IEndpointRouteBuilder MapSystemFrameworkApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/system/framework")
            .RequireAuthorization(Audiences.ApiPolicy)
            .WithApiCaller(requireMembership: false)
            .WithTags("System framework")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", GetAsync).WithName("GetSystemFramework").WithSummary("The current system framework: version, hash, structure.");
        group.MapGet("/export", ExportAsync).WithName("ExportSystemFramework").WithSummary("The current system framework as a zip in the published folder format.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        group.MapPost("/import", ImportAsync).WithName("ImportSystemFramework").WithSummary("Import a framework archive (zip or tar.gz body) as the new system framework.")
            .Accepts<Stream>("application/zip", "application/gzip", "application/octet-stream")
            .WithMetadata(new RequestSizeLimitAttribute(MaxArchiveBytes))
            .ProducesValidationProblem();
        group.MapPut("/categories/{categorySlug}", UpdateCategoryAsync).WithName("UpdateSystemFrameworkCategory").WithSummary("Rename or describe a category (creates a new version).").ProducesValidationProblem();
        group.MapPut("/categories/{categorySlug}/subcategories/{subcategorySlug}", UpdateSubcategoryAsync).WithName("UpdateSystemFrameworkSubcategory").WithSummary("Rename or describe a subcategory (creates a new version).").ProducesValidationProblem();
        group.MapPut("/items/{itemSlug}", UpdateItemAsync).WithName("UpdateSystemFrameworkItem").WithSummary("Edit an item's name, optionality, definition and review interval (creates a new version; a missing reviewIntervalDays clears it).").ProducesValidationProblem();
        group.MapPut("/templates/{templateSlug}", UpdateTemplateAsync).WithName("UpdateSystemFrameworkTemplate").WithSummary("Edit a template's name and markdown (creates a new version).").ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<Ok<SystemFrameworkSummary>> GetAsync(HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.GetAsync(context.GetCaller(), cancellationToken));

    private static async Task<FileContentHttpResult> ExportAsync(HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
    {
        using var zip = new MemoryStream();
        var hash = await frameworks.ExportAsync(context.GetCaller(), zip, cancellationToken);
        return TypedResults.File(zip.ToArray(), "application/zip", $"framework-{hash[..12]}.zip");
    }

    private static async Task<Ok<SystemFrameworkSummary>> ImportAsync(HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.ImportAsync(context.GetCaller(), context.Request.Body, cancellationToken));

    private static async Task<Ok<SystemFrameworkSummary>> UpdateCategoryAsync(string categorySlug, UpdateFrameworkGroupRequest request, HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.UpdateCategoryAsync(context.GetCaller(), categorySlug, request, cancellationToken));

    private static async Task<Ok<SystemFrameworkSummary>> UpdateSubcategoryAsync(string categorySlug, string subcategorySlug, UpdateFrameworkGroupRequest request, HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.UpdateSubcategoryAsync(context.GetCaller(), categorySlug, subcategorySlug, request, cancellationToken));

    private static async Task<Ok<SystemFrameworkSummary>> UpdateItemAsync(string itemSlug, UpdateFrameworkItemRequest request, HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.UpdateItemAsync(context.GetCaller(), itemSlug, request, cancellationToken));

    private static async Task<Ok<SystemFrameworkSummary>> UpdateTemplateAsync(string templateSlug, UpdateFrameworkTemplateRequest request, HttpContext context, SystemFrameworkService frameworks, CancellationToken cancellationToken)
        => TypedResults.Ok(await frameworks.UpdateTemplateAsync(context.GetCaller(), templateSlug, request, cancellationToken));
}
