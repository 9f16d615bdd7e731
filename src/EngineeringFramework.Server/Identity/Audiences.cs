using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// The resource URIs that tokens are issued for (RFC 8707). A token for the MCP server is not a token for the
/// REST API and vice versa: each surface demands its own <c>aud</c>, so a token leaked from one cannot be
/// replayed against the other.
/// </summary>
internal sealed record Audiences(string Issuer, string Api, string Mcp)
{
    public const string ApiPolicy = "ApiAudience";
    public const string McpPolicy = "McpAudience";

    public static Audiences From(ServerSettings server, IdentitySettings identity)
    {
        if (identity.IsExternal)
        {
            // IdentitySettings guarantees exactly two distinct audiences: there is no fallback to one for both, which
            // would let an API token open the MCP server (and the reverse) and skip the MCP-only checks.
            return new Audiences(identity.Authority!.AbsoluteUri, identity.Audiences[0], identity.Audiences[1]);
        }

        var root = server.PublicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

        // OpenIddict writes the issuer as the URI's absolute form (a root URL gains its trailing slash):
        // validation must compare with exactly that string.
        return new Audiences(server.PublicUrl.AbsoluteUri, root + "/api", root + "/mcp");
    }
}
