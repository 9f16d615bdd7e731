using System.Text.Json;
using EngineeringFramework.Core.UseCases;
using FluentValidation;

namespace EngineeringFramework.Core.Activity;

public sealed record ListActivityRequest(int Limit = 50, string? Cursor = null);

/// <summary>
/// One recorded change. <see cref="Changes"/> is an object of <c>field: {from, to}</c>; <see cref="Client"/> names
/// the MCP or API client when the change came from an agent.
/// </summary>
public sealed record ActivityEntryView(
    Guid Id,
    Guid? ProjectId,
    Guid? ChecklistItemId,
    Guid UserId,
    string? UserDisplayName,
    Surface Surface,
    string? Client,
    string Action,
    JsonElement Changes,
    DateTime At,
    bool ServiceAccount = false)
{
    /// <summary>Who made the change, as a reader needs it: a person directly, an agent (its client name) acting for a person, or a service account.</summary>
    public ActivityActor Actor => ActivityActor.Of(UserId, UserDisplayName, Surface, Client, ServiceAccount);
}

public enum ActorKind
{
    /// <summary>A person, in the web app or through the REST API with their own token.</summary>
    Person,

    /// <summary>An agent (an MCP client) acting for <see cref="ActivityActor.UserId"/>; the sign-off policy applies to it.</summary>
    Agent,

    /// <summary>The server itself (a framework upgrade applied by a job, an import).</summary>
    System,

    /// <summary>A service account (automation such as a CI pipeline) with its own token; an agent for the sign-off policy.</summary>
    ServiceAccount,
}

/// <param name="Agent">The agent's client name, for <see cref="ActorKind.Agent"/> only.</param>
/// <param name="Description">"Ada", "Ada through claude-code", "nightly-ci (service account)": ready to show.</param>
public sealed record ActivityActor(ActorKind Kind, Guid UserId, string? Name, string? Agent, string Description)
{
    public static ActivityActor Of(Guid userId, string? name, Surface surface, string? client, bool serviceAccount = false)
    {
        var person = name ?? "A deleted account";
        if (serviceAccount)
        {
            return new(ActorKind.ServiceAccount, userId, name, null, $"{person} (service account)");
        }

        return surface switch
        {
            Surface.Mcp => new(ActorKind.Agent, userId, name, client ?? "an agent", $"{person} through {client ?? "an agent"}"),
            Surface.System => new(ActorKind.System, userId, name, null, "Engineering Framework"),
            _ => new(ActorKind.Person, userId, name, null, person),
        };
    }
}

/// <summary>One page of history, newest first; pass <see cref="NextCursor"/> back for older entries (null on the last page).</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityEntryView> Items, string? NextCursor);

internal sealed class ListActivityValidator : AbstractValidator<ListActivityRequest>
{
    public ListActivityValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        RuleFor(r => r.Cursor!).Must(c => ActivityCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}
