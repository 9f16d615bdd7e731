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
/// from a request body. <see cref="Client"/> names the MCP client (or API client) when known. <see cref="ServiceAccount"/>
/// is true when the user is a service account's (<c>ServiceAccounts.ServiceAccount</c>), authenticated by its token.
/// </summary>
public sealed record Caller(Guid UserId, Surface Surface, string? Client = null, bool ServiceAccount = false)
{
    /// <summary>
    /// The caller acts through an agent (an MCP client, or a service account on any surface) rather than directly: the
    /// organization's agent sign-off policy applies (<c>SignOff.AgentSignOff</c>). A person's REST call is their own: they
    /// chose the tool and hold the token. A service account is also an agent by a stored tuple, so the model applies the
    /// policy to it even where a caller forgot to say so.
    /// </summary>
    public bool ActsThroughAgent => Surface == Surface.Mcp || ServiceAccount;
}
