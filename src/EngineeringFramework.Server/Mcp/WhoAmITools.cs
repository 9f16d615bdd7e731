using System.ComponentModel;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class WhoAmITools(IHttpContextAccessor http, OrganizationService organizations)
{
    [McpServerTool(Name = "whoami", Title = "Who am I", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns the signed-in user and the organizations this MCP connection may work in (those where an admin granted MCP access). Call this first to learn the organization_id every other tool needs.")]
    public async Task<WhoAmIResult> WhoAmIAsync(CancellationToken cancellationToken)
    {
        var caller = http.McpCaller();
        var mine = await organizations.ListMineAsync(caller.AsCaller(http), cancellationToken);
        return new WhoAmIResult(
            caller.UserId,
            caller.Email,
            caller.DisplayName,
            [.. mine.Where(o => caller.HasAccess(o.Id)).Select(o => new WhoAmIOrganization(o.Id, o.Name, o.Slug, o.Plan.ToString(), o.Role?.ToString()))]);
    }
}

internal sealed record WhoAmIResult(
    [property: Description("The user's id.")] Guid UserId,
    string Email,
    string DisplayName,
    [property: Description("Organizations where this connection may act; pass one's id as organization_id.")] IReadOnlyList<WhoAmIOrganization> Organizations);

internal sealed record WhoAmIOrganization(Guid Id, string Name, string Slug, string Plan, string? Role);
