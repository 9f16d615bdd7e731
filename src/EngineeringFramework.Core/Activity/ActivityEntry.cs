using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Core.Activity;

/// <summary>One recorded change: who, when, through which surface (and client), what changed.</summary>
public sealed class ActivityEntry : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid? ProjectId { get; init; }

    public Guid? ChecklistItemId { get; init; }

    public Guid UserId { get; init; }

    public Surface Surface { get; init; }

    /// <summary>The MCP or API client's name, when the change came from an agent.</summary>
    public string? Client { get; init; }

    /// <summary>The longest client name kept (the column's size).</summary>
    public const int ClientLength = 200;

    /// <summary>The caller's client name as the history keeps it: cut at <see cref="ClientLength"/>.</summary>
    public static string? ClientOf(UseCases.Caller caller) => caller.Client is { Length: > ClientLength } client ? client[..ClientLength] : caller.Client;

    /// <summary>A short verb phrase, e.g. <c>checklist_item.updated</c>.</summary>
    public required string Action { get; init; }

    /// <summary>JSON object of field: {from, to}.</summary>
    public required string ChangesJson { get; init; }

    public DateTime At { get; init; }
}
