using EngineeringFramework.Server.Identity.Users;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// Who an MCP token's subject is (user id, address, name), remembered briefly. Grants are not remembered: the MCP access
/// check asks the authorizer on every request (<see cref="McpAccessHandler"/>).
/// </summary>
internal sealed class McpCallerCache(TimeProvider time) : CallerCache<McpIdentity>(time, identity => identity.UserId, forgetAllOnSharedChanges: false);

/// <summary>The product user behind an MCP token: nothing here grants anything.</summary>
internal sealed record McpIdentity(Guid UserId, string Email, bool EmailVerified, string DisplayName);
