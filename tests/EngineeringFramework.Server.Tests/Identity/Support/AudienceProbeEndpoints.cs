using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>A test-only endpoint of the MCP surface: it demands the MCP audience, as the real MCP server will.</summary>
internal sealed class AudienceProbeEndpoints : IEndpointContributor
{
    public const string McpProbe = "/mcp/identity-probe";

    public void Map(IEndpointRouteBuilder endpoints)
        => endpoints.MapGet(McpProbe, (HttpContext context) => Results.Ok(new { sub = context.User.FindFirst("sub")?.Value })).RequireAuthorization(Audiences.McpPolicy);

    public static void AddTo(WebApplicationBuilder builder) => builder.Services.AddSingleton<IEndpointContributor, AudienceProbeEndpoints>();
}
