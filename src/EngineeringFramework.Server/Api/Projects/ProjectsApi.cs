using EngineeringFramework.Core.Projects;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.Projects;

/// <summary><c>/api/v1/organizations/{orgId}/projects</c>: list with filters, create, read with progress, update, move, delete.</summary>
internal static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder endpoints)
    {
        var projects = endpoints.MapOrganizationGroup("/projects", "Projects");
        projects.MapGet("/", ListAsync).WithName("ListProjects")
            .WithSummary("Projects by name, filtered by departmentId, status and leadUserId (combined with AND); page with limit (1-100) and cursor.")
            .ProducesValidationProblem();
        projects.MapPost("/", CreateAsync).WithName("CreateProject")
            .WithSummary("Create a project in a department, with a copy of the organization's framework as its checklist.")
            .ProducesValidationProblem();
        projects.MapGet("/{projectId:guid}", GetAsync).WithName("GetProject")
            .WithSummary("One project with its progress, overall and per category.");
        projects.MapPut("/{projectId:guid}", UpdateAsync).WithName("UpdateProject")
            .WithSummary("Replace every editable field (its lead, or update_projects): name, description, leadUserId, targetDate and status must all be sent; a null clears a nullable field.")
            .ProducesValidationProblem();
        projects.MapPatch("/{projectId:guid}", PatchAsync).WithName("PatchProject")
            .WithSummary("Change only the fields sent (merge-patch: an absent field is kept, a null clears description, leadUserId or targetDate); same permission as PUT.")
            .Accepts<PatchProjectRequest>("application/merge-patch+json", "application/json")
            .ProducesValidationProblem();
        projects.MapPost("/{projectId:guid}/move", MoveAsync).WithName("MoveProject")
            .WithSummary("Move the project, with its checklist and history, to another department (update the project, and create projects in the target department).")
            .ProducesValidationProblem();
        projects.MapDelete("/{projectId:guid}", DeleteAsync).WithName("DeleteProject")
            .WithSummary("Delete the project with its checklist and history (delete_projects).");
        return endpoints;
    }

    private static async Task<Ok<ProjectPage>> ListAsync(
        Guid orgId, string? departmentId, string? status, string? leadUserId, string? limit, string? cursor, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new ListProjectsRequest(
            query.Guid(departmentId, "departmentId"),
            query.Enum<ProjectStatus>(status, "status"),
            query.Guid(leadUserId, "leadUserId"),
            Cursor: cursor);
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return TypedResults.Ok(await projects.ListAsync(context.GetCaller(), orgId, request, cancellationToken));
    }

    private static async Task<Created<ProjectDetails>> CreateAsync(Guid orgId, CreateProjectRequest request, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
    {
        var created = await projects.CreateAsync(context.GetCaller(), orgId, request, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/projects/{created.Project.Id}", created);
    }

    private static async Task<Ok<ProjectDetails>> GetAsync(Guid orgId, Guid projectId, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
        => TypedResults.Ok(await projects.GetAsync(context.GetCaller(), orgId, projectId, cancellationToken));

    private static async Task<Ok<ProjectDetails>> UpdateAsync(Guid orgId, Guid projectId, ProjectReplacement request, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
        => TypedResults.Ok(await projects.UpdateAsync(context.GetCaller(), orgId, projectId, request.ToUpdateRequest(), cancellationToken));

    /// <remarks>The body binds from <c>application/json</c> and any <c>+json</c> type, <c>application/merge-patch+json</c> (RFC 7396) included.</remarks>
    private static async Task<Ok<ProjectDetails>> PatchAsync(Guid orgId, Guid projectId, PatchProjectRequest request, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
        => TypedResults.Ok(await projects.PatchAsync(context.GetCaller(), orgId, projectId, request, cancellationToken));

    private static async Task<Ok<ProjectDetails>> MoveAsync(Guid orgId, Guid projectId, MoveProjectRequest request, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
        => TypedResults.Ok(await projects.MoveAsync(context.GetCaller(), orgId, projectId, request, cancellationToken));

    private static async Task<NoContent> DeleteAsync(Guid orgId, Guid projectId, HttpContext context, ProjectService projects, CancellationToken cancellationToken)
    {
        await projects.DeleteAsync(context.GetCaller(), orgId, projectId, cancellationToken);
        return TypedResults.NoContent();
    }
}
