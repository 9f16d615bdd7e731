using EngineeringFramework.Server.Identity;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP server, as the MCP authorization spec
/// requires: where clients find the authorization server (embedded or external) for this resource.
/// Served at the path-specific address and at the root form; both anonymous.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public const string PathSpecific = "/.well-known/oauth-protected-resource/mcp";
    public const string Root = "/.well-known/oauth-protected-resource";

    public static IEndpointRouteBuilder MapProtectedResourceMetadata(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PathSpecific, Document).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(Root, Document).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Document(Audiences audiences) => TypedResults.Json(new Dictionary<string, object>
    {
        ["resource"] = audiences.Mcp,
        ["authorization_servers"] = new[] { audiences.Issuer },
        ["bearer_methods_supported"] = new[] { "header" },
        ["resource_name"] = "Engineering Framework MCP server",
    });

    /// <summary>The absolute metadata URL named in <c>WWW-Authenticate</c> challenges.</summary>
    public static string Url(Audiences audiences)
    {
        var mcp = new Uri(audiences.Mcp);
        return new Uri(mcp, PathSpecific).AbsoluteUri;
    }
}
