namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// Who is calling the MCP server: the app user behind the token and the organizations where an admin has
/// granted them MCP access (the <c>access</c> relation on <c>mcp_server:{org}</c>).
/// </summary>
internal sealed record McpCaller(Guid UserId, string Email, bool EmailVerified, string DisplayName, IReadOnlyList<Guid> OrganizationsWithAccess, bool IsServiceAccount = false)
{
    public bool HasAccess(Guid organizationId) => OrganizationsWithAccess.Contains(organizationId);
}
