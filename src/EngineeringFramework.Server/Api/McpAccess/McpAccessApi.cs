using EngineeringFramework.Core.McpAccess;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.McpAccess;

/// <summary><c>/api/v1/organizations/{orgId}/mcp-access</c>: who may use the organization through MCP (admins manage it).</summary>
internal static class McpAccessApi
{
    public static IEndpointRouteBuilder MapMcpAccessApi(this IEndpointRouteBuilder endpoints)
    {
        var access = endpoints.MapOrganizationGroup("/mcp-access", "McpAccess");
        access.MapGet("/", ListAsync).WithName("ListMcpAccess")
            .WithSummary("Members granted MCP access, by display name (admins).");
        access.MapPut("/{userId:guid}", GrantAsync).WithName("GrantMcpAccess")
            .WithSummary("Grant a member MCP access; granting twice changes nothing (admins).")
            .ProducesValidationProblem();
        access.MapDelete("/{userId:guid}", RevokeAsync).WithName("RevokeMcpAccess")
            .WithSummary("Revoke a member's MCP access; revoking a grant that does not exist changes nothing (admins).");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<McpAccessEntry>>> ListAsync(Guid orgId, HttpContext context, McpAccessService access, CancellationToken cancellationToken)
        => TypedResults.Ok(await access.ListAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<NoContent> GrantAsync(Guid orgId, Guid userId, HttpContext context, McpAccessService access, CancellationToken cancellationToken)
    {
        await access.GrantAsync(context.GetCaller(), orgId, new GrantMcpAccessRequest(userId), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RevokeAsync(Guid orgId, Guid userId, HttpContext context, McpAccessService access, CancellationToken cancellationToken)
    {
        await access.RevokeAsync(context.GetCaller(), orgId, userId, cancellationToken);
        return TypedResults.NoContent();
    }
}
