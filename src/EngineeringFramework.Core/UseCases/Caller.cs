namespace EngineeringFramework.Core.UseCases;

/// <summary>Which surface a change came through, for the activity history.</summary>
public enum Surface
{
    Ui,
    Api,
    Mcp,
    System,
}

/// <summary>
/// Who is acting: always the app's user id resolved from a validated token or session, never an id taken
/// from a request body. <see cref="Client"/> names the MCP client (or API client) when known.
/// </summary>
public sealed record Caller(Guid UserId, Surface Surface, string? Client = null)
{
    /// <summary>
    /// The caller acts through an agent (an MCP client) rather than directly: the organization's agent sign-off policy
    /// applies (<c>SignOff.AgentSignOff</c>). A REST call is the person's own: they chose the tool and hold the token.
    /// </summary>
    public bool ActsThroughAgent => Surface == Surface.Mcp;
}
