using System.ComponentModel;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class WhoAmITools(IHttpContextAccessor http, OrganizationService organizations, EngineeringFramework.Core.SignOff.AgentPolicyService policies)
{
    [McpServerTool(Name = "whoami", Title = "Who am I", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns the signed-in user and the organizations this MCP connection may work in (those where an admin granted MCP access), each with the statuses you may set on your own there (agentsMaySetAlone) and those that wait for a person's confirmation (needConfirmation). Call this first to learn the organization_id every other tool needs.")]
    public async Task<WhoAmIResult> WhoAmIAsync(CancellationToken cancellationToken)
    {
        var caller = http.McpCaller();
        var asCaller = caller.AsCaller(http);
        var mine = await organizations.ListMineAsync(asCaller, cancellationToken);
        var result = new List<WhoAmIOrganization>();
        foreach (var o in mine.Where(o => caller.HasAccess(o.Id)))
        {
            var policy = await policies.GetAsync(asCaller, o.Id, cancellationToken);
            var alone = policy.YourAgentsMaySetAlone;
            result.Add(new WhoAmIOrganization(o.Id, o.Name, o.Slug, o.Plan.ToString(), o.Role?.ToString(), alone, [.. EngineeringFramework.Core.SignOff.AgentSignOff.Statuses.Except(alone)]));
        }

        return new WhoAmIResult(caller.UserId, caller.Email, caller.DisplayName, result);
    }
}

internal sealed record WhoAmIResult(
    [property: Description("The user's id.")] Guid UserId,
    string Email,
    string DisplayName,
    [property: Description("Organizations where this connection may act; pass one's id as organization_id.")] IReadOnlyList<WhoAmIOrganization> Organizations);

internal sealed record WhoAmIOrganization(
    Guid Id,
    string Name,
    string Slug,
    string Plan,
    string? Role,
    [property: Description("Statuses you may set on your own here (the organization's sign-off policy with your role templates).")] IReadOnlyList<EngineeringFramework.Core.Checklists.ChecklistItemStatus> AgentsMaySetAlone,
    [property: Description("Statuses that wait for a person's confirmation when you set them: pass a rationale, then follow list_sign_off_requests.")] IReadOnlyList<EngineeringFramework.Core.Checklists.ChecklistItemStatus> NeedConfirmation);
