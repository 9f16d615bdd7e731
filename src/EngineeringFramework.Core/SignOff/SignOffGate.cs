using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.SignOff;

/// <summary>
/// Asks the model, once per status for a whole batch, whether the caller's agent may set a status on the project alone
/// (<c>can_set_&lt;status&gt;</c> with the agent context). A person acting directly is never asked: the answer is no.
/// </summary>
internal sealed class SignOffGate(Caller caller, Guid organizationId, Guid projectId, Authorizer authorizer)
{
    private readonly Dictionary<ChecklistItemStatus, bool> answers = [];

    public async Task<bool> NeedsConfirmationAsync(ChecklistItemStatus status, CancellationToken cancellationToken)
    {
        if (!caller.ActsThroughAgent)
        {
            return false;
        }

        if (!answers.TryGetValue(status, out var needs))
        {
            var context = AgentSignOff.Context(caller, organizationId);
            needs = !await authorizer.CheckAsync(caller, AgentSignOff.SetRelation(status), Fga.Project(projectId), context, cancellationToken);
            answers[status] = needs;
        }

        return needs;
    }
}
