using EngineeringFramework.Core.Departments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EngineeringFramework.Server.Api.Departments;

/// <summary><c>/api/v1/organizations/{orgId}/departments</c>: list, create, read, update, delete.</summary>
internal static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder endpoints)
    {
        var departments = endpoints.MapOrganizationGroup("/departments", "Departments");
        departments.MapGet("/", ListAsync).WithName("ListDepartments")
            .WithSummary("Departments by name; page with limit (1-100, default 50) and the cursor of the previous page.")
            .ProducesValidationProblem();
        departments.MapPost("/", CreateAsync).WithName("CreateDepartment")
            .WithSummary("Create a department (manage_departments).")
            .ProducesValidationProblem();
        departments.MapGet("/{departmentId:guid}", GetAsync).WithName("GetDepartment")
            .WithSummary("One department with its project count.");
        departments.MapPut("/{departmentId:guid}", UpdateAsync).WithName("UpdateDepartment")
            .WithSummary("Replace the name and description (manage_departments).")
            .ProducesValidationProblem();
        departments.MapDelete("/{departmentId:guid}", DeleteAsync).WithName("DeleteDepartment")
            .WithSummary("Delete a department (manage_departments). Say what happens to its projects, in the query (?projects=MoveTo&moveToDepartmentId=…) "
                + "or in a JSON body ({\"projects\":\"MoveTo\",\"moveToDepartmentId\":\"…\"}): Refuse (the default; 409 while it has projects), "
                + "MoveTo another department of the organization, or DeleteProjects with their checklists and history.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<DepartmentPage>> ListAsync(Guid orgId, string? limit, string? cursor, HttpContext context, DepartmentService departments, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new ListDepartmentsRequest(Cursor: cursor);
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return TypedResults.Ok(await departments.ListAsync(context.GetCaller(), orgId, request, cancellationToken));
    }

    private static async Task<Created<DepartmentSummary>> CreateAsync(Guid orgId, CreateDepartmentRequest request, HttpContext context, DepartmentService departments, CancellationToken cancellationToken)
    {
        var created = await departments.CreateAsync(context.GetCaller(), orgId, request, cancellationToken);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/departments/{created.Id}", created);
    }

    private static async Task<Ok<DepartmentSummary>> GetAsync(Guid orgId, Guid departmentId, HttpContext context, DepartmentService departments, CancellationToken cancellationToken)
        => TypedResults.Ok(await departments.GetAsync(context.GetCaller(), orgId, departmentId, cancellationToken));

    private static async Task<Ok<DepartmentSummary>> UpdateAsync(Guid orgId, Guid departmentId, UpdateDepartmentRequest request, HttpContext context, DepartmentService departments, CancellationToken cancellationToken)
        => TypedResults.Ok(await departments.UpdateAsync(context.GetCaller(), orgId, departmentId, request, cancellationToken));

    /// <summary>
    /// The choice about the projects comes from the query or from a body, never from both: two sources that
    /// could disagree would make a destructive request ambiguous.
    /// </summary>
    private static async Task<NoContent> DeleteAsync(
        Guid orgId, Guid departmentId, string? projects, string? moveToDepartmentId, [FromBody] DeleteDepartmentRequest? body, HttpContext context, DepartmentService departments, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = body ?? new DeleteDepartmentRequest();
        if (projects is not null || moveToDepartmentId is not null)
        {
            if (body is not null)
            {
                query.Fail("projects", "Give the choice about the projects in the query or in the body, not in both.");
            }

            request = new DeleteDepartmentRequest(
                query.Enum<ProjectsOnDelete>(projects, "projects") ?? ProjectsOnDelete.Refuse,
                query.Guid(moveToDepartmentId, "moveToDepartmentId"));
        }

        query.ThrowIfInvalid();
        await departments.DeleteAsync(context.GetCaller(), orgId, departmentId, request, cancellationToken);
        return TypedResults.NoContent();
    }
}
