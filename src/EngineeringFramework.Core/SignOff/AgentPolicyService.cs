using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.SignOff;

/// <summary>
/// The organization's sign-off policy for agents: the statuses an agent may set on its own. Every other status an agent
/// sets becomes a request a person confirms or sends back (<see cref="SignOffService"/>).
/// </summary>
/// <param name="AgentsMaySetAlone">Organization-wide, in status order.</param>
/// <param name="NeedConfirmation">The rest, in status order.</param>
/// <param name="YourAgentsMaySetAlone">For the caller: the organization's policy as their role templates widen or narrow it.</param>
public sealed record AgentPolicy(
    IReadOnlyList<ChecklistItemStatus> AgentsMaySetAlone,
    IReadOnlyList<ChecklistItemStatus> NeedConfirmation,
    IReadOnlyList<ChecklistItemStatus> YourAgentsMaySetAlone);

/// <summary>The statuses agents may set alone, organization-wide; every other status needs a person's confirmation.</summary>
public sealed record SetAgentPolicyRequest(IReadOnlyList<ChecklistItemStatus>? AgentsMaySetAlone);

internal sealed class SetAgentPolicyValidator : AbstractValidator<SetAgentPolicyRequest>
{
    public SetAgentPolicyValidator()
    {
        RuleFor(r => r.AgentsMaySetAlone).NotNull();
        RuleForEach(r => r.AgentsMaySetAlone).IsInEnum();
    }
}

/// <summary>The policy is stored as tuples only (the authorization model evaluates it), so there is nothing else to keep in step.</summary>
public sealed class AgentPolicyService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships)
{
    private const string OrganizationWhat = "Organization";
    private const string Everyone = "user:*";

    /// <summary>Members read it, agents included: an agent that knows the policy asks for confirmation instead of failing.</summary>
    public async Task<AgentPolicy> GetAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", OrganizationWhat, cancellationToken);
        tenant.Set(organizationId);
        var stored = await StoredAsync(organizationId, cancellationToken);
        var alone = AgentSignOff.Statuses.Where(s => AgentSignOff.AloneByDefault(s) != stored.Contains(AgentSignOff.OrganizationRelation(s))).ToList();
        var yours = new List<ChecklistItemStatus>();
        foreach (var status in AgentSignOff.Statuses)
        {
            if (await authorizer.CheckAsync(caller, AgentSignOff.AgentMayRelation(status), Fga.Organization(organizationId), cancellationToken))
            {
                yours.Add(status);
            }
        }

        return new AgentPolicy(alone, [.. AgentSignOff.Statuses.Except(alone)], yours);
    }

    /// <summary>Admins only (<c>can_manage_agent_policy</c>); applies to the next change an agent makes.</summary>
    public async Task<AgentPolicy> SetAsync(Caller caller, Guid organizationId, SetAgentPolicyRequest request, CancellationToken cancellationToken)
    {
        await new SetAgentPolicyValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_manage_agent_policy", Fga.Organization(organizationId), "can_view", OrganizationWhat, cancellationToken);
        tenant.Set(organizationId);
        var stored = await StoredAsync(organizationId, cancellationToken);
        var @object = Fga.Organization(organizationId);
        foreach (var status in AgentSignOff.Statuses)
        {
            var relation = AgentSignOff.OrganizationRelation(status);
            var wanted = AgentSignOff.AloneByDefault(status) != request.AgentsMaySetAlone!.Contains(status);
            if (wanted && !stored.Contains(relation))
            {
                relationships.Write(organizationId, @object, relation, Everyone);
            }
            else if (!wanted && stored.Contains(relation))
            {
                await relationships.DeleteAsync(@object, relation, Everyone, cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        authorizer.CatchUpBeforeNextCheck();
        return await GetAsync(caller, organizationId, cancellationToken);
    }

    /// <summary>Whether the caller may change the policy; <see cref="SetAsync"/> checks again.</summary>
    public Task<bool> CanSetAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
        => authorizer.CheckAsync(caller, "can_manage_agent_policy", Fga.Organization(organizationId), cancellationToken);

    private async Task<HashSet<string>> StoredAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var @object = Fga.Organization(organizationId);
        var relations = AgentSignOff.Statuses.Select(AgentSignOff.OrganizationRelation).ToList();
        return (await db.RelationshipTuples.AsNoTracking()
            .Where(t => t.Object == @object && t.User == Everyone && relations.Contains(t.Relation))
            .Select(t => t.Relation).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }
}
