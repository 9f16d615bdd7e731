using System.ComponentModel;
using EngineeringFramework.Core.SignOff;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EngineeringFramework.Server.Api.SignOff;

/// <summary>The agents' sign-off policy and the review queue of what agents asked a person to confirm.</summary>
internal static class SignOffApi
{
    public static IEndpointRouteBuilder MapSignOffApi(this IEndpointRouteBuilder endpoints)
    {
        var policy = endpoints.MapOrganizationGroup("/agent-policy", "Agent sign-off");
        policy.MapGet("/", GetPolicyAsync).WithName("GetAgentPolicy")
            .WithSummary("Which statuses an agent (an MCP client) may set on its own in this organization (agentsMaySetAlone) and which wait for a person's confirmation (needConfirmation); yourAgentsMaySetAlone is the same for the caller, with their role templates applied. Default: NotStarted and InProgress alone, Done and NotApplicable confirmed.");
        policy.MapPut("/", SetPolicyAsync).WithName("SetAgentPolicy")
            .WithSummary("Change which statuses agents may set on their own, organization-wide (admins). Role templates may still widen or narrow it for their assignees.")
            .ProducesValidationProblem();

        var requests = endpoints.MapOrganizationGroup("/sign-off-requests", "Agent sign-off");
        requests.MapGet("/", ListAsync).WithName("ListSignOffRequests")
            .WithSummary("Statuses agents asked for that wait for a person (state=Awaiting, the default), or those confirmed, sent back or withdrawn; newest first.")
            .ProducesValidationProblem();
        requests.MapGet("/{requestId:guid}", GetAsync).WithName("GetSignOffRequest")
            .WithSummary("One request, with the agent's rationale and the item's evidence links.");
        requests.MapPost("/{requestId:guid}/confirm", ConfirmAsync).WithName("ConfirmSignOffRequest")
            .WithSummary("Confirm an agent's request: the item takes the requested status. For people who may set that status on the project, acting directly. 409 when it was already decided or overtaken.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/{requestId:guid}/send-back", SendBackAsync).WithName("SendBackSignOffRequest")
            .WithSummary("Send an agent's request back with a comment (required): the item keeps its status and the agent sees the comment. 409 when it was already decided or overtaken.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<AgentPolicy>> GetPolicyAsync(Guid orgId, HttpContext context, AgentPolicyService policies, CancellationToken cancellationToken)
        => TypedResults.Ok(await policies.GetAsync(context.GetCaller(), orgId, cancellationToken));

    private static async Task<Ok<AgentPolicy>> SetPolicyAsync(Guid orgId, SetAgentPolicyRequest request, HttpContext context, AgentPolicyService policies, CancellationToken cancellationToken)
        => TypedResults.Ok(await policies.SetAsync(context.GetCaller(), orgId, request, cancellationToken));

    private static async Task<Ok<IReadOnlyList<SignOffRequestView>>> ListAsync(
        Guid orgId,
        [Description("Only this project's requests.")] string? projectId,
        [Description("Only this checklist item's requests.")] string? itemId,
        [Description("Awaiting (default), Confirmed, SentBack, Withdrawn, or all.")] string? state,
        [Description("true: only requests made through the caller's own agents.")] string? mine,
        [Description("At most this many, 1 to 200 (default 50).")] string? limit,
        HttpContext context,
        SignOffService signOff,
        CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var request = new ListSignOffRequests(
            query.Guid(projectId, "projectId"),
            string.Equals(state, "all", StringComparison.OrdinalIgnoreCase) ? null : query.Enum<SignOffState>(state, "state") ?? SignOffState.Awaiting,
            query.Bool(mine, "mine") ?? false,
            ItemId: query.Guid(itemId, "itemId"));
        request = query.Int(limit, "limit") is { } size ? request with { Limit = size } : request;
        query.ThrowIfInvalid();
        return TypedResults.Ok(await signOff.ListAsync(context.GetCaller(), orgId, request, cancellationToken));
    }

    private static async Task<Ok<SignOffRequestView>> GetAsync(Guid orgId, Guid requestId, HttpContext context, SignOffService signOff, CancellationToken cancellationToken)
        => TypedResults.Ok(await signOff.GetAsync(context.GetCaller(), orgId, requestId, cancellationToken));

    private static async Task<Ok<SignOffRequestView>> ConfirmAsync(Guid orgId, Guid requestId, SignOffDecision? decision, HttpContext context, SignOffService signOff, CancellationToken cancellationToken)
        => TypedResults.Ok(await signOff.ConfirmAsync(context.GetCaller(), orgId, requestId, decision ?? new SignOffDecision(), cancellationToken));

    private static async Task<Ok<SignOffRequestView>> SendBackAsync(Guid orgId, Guid requestId, SignOffDecision decision, HttpContext context, SignOffService signOff, CancellationToken cancellationToken)
        => TypedResults.Ok(await signOff.SendBackAsync(context.GetCaller(), orgId, requestId, decision, cancellationToken));
}
