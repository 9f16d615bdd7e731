using EngineeringFramework.Server.Identity.Users;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// The MCP caller (user, organizations, grants) by token subject. Its grants follow role permissions, so any change
/// about a user set forgets everyone.
/// </summary>
internal sealed class McpCallerCache(TimeProvider time) : CallerCache<McpCaller>(time, caller => caller.UserId, forgetAllOnSharedChanges: true);
