using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Server.Mcp;

internal static class McpContext
{
    public static McpCaller McpCaller(this IHttpContextAccessor http)
        => http.HttpContext?.Items[typeof(McpCaller)] as McpCaller ?? throw new InvalidOperationException("The MCP access policy did not run.");

    /// <summary>The use-case caller: this user, through MCP, naming the client so people can tell agents' changes from theirs.</summary>
    public static Caller AsCaller(this McpCaller caller, IHttpContextAccessor http)
    {
        var agent = http.HttpContext?.Request.Headers.UserAgent.ToString();
        var client = http.HttpContext?.User.FindFirst("client_id")?.Value ?? (string.IsNullOrEmpty(agent) ? "mcp" : agent);
        // Stryker disable once Equality : cutting a 200-character name at 200 leaves it whole.
        return new Caller(caller.UserId, Surface.Mcp, client.Length <= 200 ? client : client[..200], caller.IsServiceAccount);
    }

    /// <summary>Every tool names its organization; one without an MCP grant is answered as not found.</summary>
    public static Caller ForOrganization(this IHttpContextAccessor http, Guid organizationId)
    {
        var caller = http.McpCaller();
        if (!caller.HasAccess(organizationId))
        {
            throw new NotFoundException("Organization");
        }

        return caller.AsCaller(http);
    }
}
