using EngineeringFramework.Core.Frameworks.Versions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Frameworks;

/// <summary>The framework versions an organization can see (the system's and its own), and the difference between two.</summary>
internal static class FrameworkVersionsApi
{
    public static IEndpointRouteBuilder MapFrameworkVersionsApi(this IEndpointRouteBuilder endpoints)
    {
        var versions = endpoints.MapOrganizationGroup("/framework/versions", "Framework versions");
        versions.MapGet("/", ListAsync).WithName("ListFrameworkVersions")
            .WithSummary("Every framework version the organization can see, newest first: its own (synced) and the system's, each numbered within its scope, with its source, who imported it, its counts and how many of the organization's projects are at it.");
        versions.MapGet("/{versionId:guid}", GetAsync).WithName("GetFrameworkVersion")
            .WithSummary("One framework version's summary.");
        versions.MapGet("/{fromVersionId:guid}/diff/{toVersionId:guid}", CompareAsync).WithName("CompareFrameworkVersions")
            .WithSummary("What changed from one version to another, per category, subcategory, item (matched by slug) and template: added, removed, or changed with the aspects that changed and line diffs of definitions and templates.");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<FrameworkVersionSummary>>> ListAsync(Guid orgId, HttpContext context, FrameworkVersionService versions, CancellationToken cancellationToken)
        => TypedResults.Ok(await versions.ListAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<FrameworkVersionSummary>> GetAsync(Guid orgId, Guid versionId, HttpContext context, FrameworkVersionService versions, CancellationToken cancellationToken)
        => TypedResults.Ok(await versions.GetAsync(context.GetCaller(), orgId, versionId, cancellationToken));

    private static async Task<Ok<FrameworkComparison>> CompareAsync(Guid orgId, Guid fromVersionId, Guid toVersionId, HttpContext context, FrameworkVersionService versions, CancellationToken cancellationToken)
        => TypedResults.Ok(await versions.CompareAsync(context.GetCaller(), orgId, fromVersionId, toVersionId, cancellationToken));
}
