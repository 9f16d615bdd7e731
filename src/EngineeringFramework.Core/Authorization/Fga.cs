namespace EngineeringFramework.Core.Authorization;

/// <summary>Object and user names of the product's model (authorization/model.fga), in one place.</summary>
public static class Fga
{
    public const string SystemObject = "system:global";

    public static string User(Guid userId) => $"user:{userId}";

    public static string Organization(Guid id) => $"organization:{id}";

    public static string McpServer(Guid organizationId) => $"mcp_server:{organizationId}";

    public static string Role(Guid id) => $"role:{id}";

    public static string RoleAssignees(Guid roleId) => $"role:{roleId}#active_assignee";

    public static string Department(Guid id) => $"department:{id}";

    public static string Project(Guid id) => $"project:{id}";
}
