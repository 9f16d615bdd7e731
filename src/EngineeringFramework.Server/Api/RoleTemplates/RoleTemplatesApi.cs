using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.RoleTemplates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.RoleTemplates;

/// <summary>
/// <c>/api/v1/organizations/{orgId}/role-templates</c>: the permission catalog, templates, their assignees and
/// the drift report. Templates carry a version: GET answers it as the ETag, and PUT honours If-Match (or
/// <c>expectedVersion</c> in the body) when sent.
/// </summary>
internal static class RoleTemplatesApi
{
    public static IEndpointRouteBuilder MapRoleTemplatesApi(this IEndpointRouteBuilder endpoints)
    {
        var roles = endpoints.MapOrganizationGroup("/role-templates", "RoleTemplates");
        roles.MapGet("/catalog", CatalogAsync).WithName("GetPermissionCatalog")
            .WithSummary("The permissions a role template may grant.");
        roles.MapGet("/drift", DriftAsync).WithName("CheckRoleTemplateDrift")
            .WithSummary("Per template: whether its stored hash, its JSON and the tuples that grant still agree (admins).");
        roles.MapGet("/", ListAsync).WithName("ListRoleTemplates")
            .WithSummary("The organization's role templates with their assignees.");
        roles.MapPost("/", CreateAsync).WithName("CreateRoleTemplate")
            .WithSummary("Create a role template from catalog permissions (admins).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        roles.MapGet("/{roleTemplateId:guid}", GetAsync).WithName("GetRoleTemplate")
            .WithSummary("One role template; the ETag header carries its version.");
        roles.MapPut("/{roleTemplateId:guid}", UpdateAsync).WithName("UpdateRoleTemplate")
            .WithSummary("Replace name, description and permissions (admins); assignees gain or lose permissions in the same save. If-Match, when sent, must be the current ETag.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        roles.MapDelete("/{roleTemplateId:guid}", DeleteAsync).WithName("DeleteRoleTemplate")
            .WithSummary("Delete the template; its assignees lose its permissions (admins).");
        roles.MapPut("/{roleTemplateId:guid}/assignees/{userId:guid}", AssignAsync).WithName("AssignRoleTemplate")
            .WithSummary("Give a member the template's permissions; assigning twice changes nothing (admins).")
            .ProducesValidationProblem();
        roles.MapDelete("/{roleTemplateId:guid}/assignees/{userId:guid}", UnassignAsync).WithName("UnassignRoleTemplate")
            .WithSummary("Take the template's permissions from a member (admins).");
        return endpoints;
    }

    /// <summary>
    /// The catalog is the same for everyone, but this route lives inside an organization: reading the
    /// organization first keeps it answering 404 to anyone outside it, like every other route here.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<Permission>>> CatalogAsync(Guid orgId, HttpContext context, OrganizationService organizations, RoleTemplateService roles, CancellationToken cancellationToken)
    {
        await organizations.GetAsync(context.GetCaller(), orgId, cancellationToken);
        return TypedResults.Ok(roles.Catalog);
    }

    private static async Task<Ok<IReadOnlyList<RoleTemplateDrift>>> DriftAsync(Guid orgId, HttpContext context, RoleTemplateDriftCheck drift, CancellationToken cancellationToken)
        => TypedResults.Ok(await drift.CheckAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<IReadOnlyList<RoleTemplateSummary>>> ListAsync(Guid orgId, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
        => TypedResults.Ok(await roles.ListAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Created<RoleTemplateSummary>> CreateAsync(Guid orgId, CreateRoleTemplateRequest request, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
    {
        var created = await roles.CreateAsync(context.GetCaller(), orgId, request, cancellationToken);
        context.Response.SetETag(created.Version);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/role-templates/{created.Id}", created);
    }

    private static async Task<Ok<RoleTemplateSummary>> GetAsync(Guid orgId, Guid roleTemplateId, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
    {
        var template = await roles.GetAsync(context.GetCaller(), orgId, roleTemplateId, cancellationToken);
        context.Response.SetETag(template.Version);
        return TypedResults.Ok(template);
    }

    private static async Task<Results<Ok<RoleTemplateSummary>, ProblemHttpResult>> UpdateAsync(
        Guid orgId, Guid roleTemplateId, [Microsoft.AspNetCore.Mvc.FromHeader(Name = EntityTags.IfMatchHeader)] string? ifMatch, UpdateRoleTemplateRequest request,
        HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
    {
        if (ifMatch is not null)
        {
            if (!EntityTags.TryReadIfMatch(ifMatch, out var version, out var problem))
            {
                return problem!;
            }

            request = request with { ExpectedVersion = version };
        }

        var updated = await roles.UpdateAsync(context.GetCaller(), orgId, roleTemplateId, request, cancellationToken);
        context.Response.SetETag(updated.Version);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> DeleteAsync(Guid orgId, Guid roleTemplateId, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
    {
        await roles.DeleteAsync(context.GetCaller(), orgId, roleTemplateId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RoleTemplateSummary>> AssignAsync(Guid orgId, Guid roleTemplateId, Guid userId, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
        => TypedResults.Ok(await roles.AssignAsync(context.GetCaller(), orgId, roleTemplateId, new AssignRoleRequest(userId), cancellationToken));

    private static async Task<Ok<RoleTemplateSummary>> UnassignAsync(Guid orgId, Guid roleTemplateId, Guid userId, HttpContext context, RoleTemplateService roles, CancellationToken cancellationToken)
        => TypedResults.Ok(await roles.UnassignAsync(context.GetCaller(), orgId, roleTemplateId, userId, cancellationToken));
}
