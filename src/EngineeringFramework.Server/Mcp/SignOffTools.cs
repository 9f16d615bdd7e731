using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Core.SignOff;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

/// <summary>The requests as one object: structured tool results are JSON objects, never bare arrays.</summary>
internal sealed record SignOffRequestList(IReadOnlyList<SignOffRequestView> Requests);

/// <summary>What an agent may finish on its own, and what came of the statuses it asked a person to confirm.</summary>
[McpServerToolType]
internal sealed class SignOffTools(IHttpContextAccessor http, AgentPolicyService policies, SignOffService signOff)
{
    [McpServerTool(Name = "get_sign_off_policy", Title = "Get the agent sign-off policy", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("The organization's sign-off policy for agents: the statuses an agent may set on its own organization-wide (agentsMaySetAlone), those that wait for a person's confirmation (needConfirmation), and yourAgentsMaySetAlone, what applies to you with your role templates. Only a person changes it, in the web app or the REST API.")]
    public Task<AgentPolicy> GetSignOffPolicyAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => policies.GetAsync(http.ForOrganization(organization_id), organization_id, cancellationToken));

    [McpServerTool(Name = "list_sign_off_requests", Title = "List sign-off requests", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Statuses you (by default: mine=true) asked for that wait for a person's confirmation, newest first, or with state: SentBack those a person sent back, with their comment saying what to do instead; Confirmed those applied; Withdrawn those overtaken by a later change. Only a person confirms or sends back, in the web app or the REST API: tell the person you work for what is waiting.")]
    public Task<SignOffRequestList> ListSignOffRequestsAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Only this project's requests.")] Guid? project_id = null,
        [Description("Awaiting (the default), SentBack, Confirmed or Withdrawn.")] SignOffState? state = null,
        [Description("true (the default): only requests made through your own agents; false: everyone's.")] bool mine = true,
        [Description("At most this many, 1 to 200 (default 50).")][Range(1, 200)] int limit = 50,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () => new SignOffRequestList(await signOff.ListAsync(
            http.ForOrganization(organization_id), organization_id, new ListSignOffRequests(project_id, state ?? SignOffState.Awaiting, mine, limit), cancellationToken)));
}
