using EngineeringFramework.Authz;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.SignOff;

/// <summary>
/// The names the agents' sign-off policy has in the authorization model (authorization/model.fga), per status. The policy
/// is evaluated there, never here: a use case only says whether the caller acts through an agent, as a contextual tuple.
/// </summary>
public static class AgentSignOff
{
    public const string ActingThroughAgent = "acting_through_agent";

    public static IReadOnlyList<ChecklistItemStatus> Statuses { get; } = Enum.GetValues<ChecklistItemStatus>();

    /// <summary>What the organization's policy is when it has stored nothing: agents set these alone, the others need a person.</summary>
    public static bool AloneByDefault(ChecklistItemStatus status) => status is ChecklistItemStatus.NotStarted or ChecklistItemStatus.InProgress;

    public static string Name(ChecklistItemStatus status) => status switch
    {
        ChecklistItemStatus.NotStarted => "not_started",
        ChecklistItemStatus.InProgress => "in_progress",
        ChecklistItemStatus.Done => "done",
        ChecklistItemStatus.NotApplicable => "not_applicable",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a checklist status."),
    };

    /// <summary>The project relation a caller needs to set <paramref name="status"/> (and a person needs to confirm an agent's request for it).</summary>
    public static string SetRelation(ChecklistItemStatus status) => $"can_set_{Name(status)}";

    /// <summary>The organization relation: may this user's agents set <paramref name="status"/> alone (the organization's policy and their role templates)?</summary>
    public static string AgentMayRelation(ChecklistItemStatus status) => $"agent_may_set_{Name(status)}";

    /// <summary>
    /// The organization-wide setting, as a <c>user:*</c> tuple on the organization: present, it turns the status's default
    /// around (agents may set Done or Not applicable alone; agents need confirmation for Not started or In progress).
    /// </summary>
    public static string OrganizationRelation(ChecklistItemStatus status)
        => AloneByDefault(status) ? $"agents_confirm_{Name(status)}" : $"agents_set_{Name(status)}_alone";

    /// <summary>The role template relations that widen (agents alone) or narrow (a person confirms) the policy for a role's assignees.</summary>
    public static string RoleRelation(ChecklistItemStatus status, bool alone) => $"role_agents_{Name(status)}_{(alone ? "alone" : "confirmed")}";

    /// <summary>The contextual tuple that tells the model the caller acts through an agent; none for a person acting directly.</summary>
    public static IReadOnlyList<TupleKey> Context(Caller caller, Guid organizationId)
        => caller.ActsThroughAgent ? [new TupleKey(Fga.Organization(organizationId), ActingThroughAgent, Fga.User(caller.UserId))] : [];
}
