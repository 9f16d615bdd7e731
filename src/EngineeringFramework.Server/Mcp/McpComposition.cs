using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Mcp;

/// <summary>The MCP server at <c>/mcp</c>: Streamable HTTP, stateless, same use cases and checks as the REST API.</summary>
internal static class McpComposition
{
    public const string Path = "/mcp";

    /// <summary>Enums travel as their names, so input schemas list them (<c>"enum": [...]</c>) and results read as words.</summary>
    internal static readonly System.Text.Json.JsonSerializerOptions ToolJson = CreateToolJson();

    private static System.Text.Json.JsonSerializerOptions CreateToolJson()
    {
        var options = new System.Text.Json.JsonSerializerOptions(ModelContextProtocol.McpJsonUtilities.DefaultOptions);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        // Nulls are written, not omitted: the output schema lists every property as required (nullable ones
        // as "type": [..., "null"]), and clients such as the TypeScript SDK validate structured content against it.
        options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static IServiceCollection AddAppMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, McpChallenge>();
        services.AddScoped<IAuthorizationHandler, McpAccessHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, McpAccessResultHandler>();
        services.AddAuthorizationBuilder().AddPolicy(McpAccessRequirement.Policy, p => p
            .AddAuthenticationSchemes(Hosting.Authentication.McpCredentialScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new McpAccessRequirement()));

        services.AddMcpServer(o =>
            {
                o.ServerInfo = new() { Name = "engineering-framework", Title = "Engineering Framework", Version = typeof(McpComposition).Assembly.GetName().Version?.ToString() ?? "1.0" };
                o.ServerInstructions = "Engineering Framework tracks engineering initiatives (projects) against a framework of practice. " +
                    "Start with whoami to get an organization_id, then list projects, read a project's checklist, read an item's definition and template, and update items as work is done.";
            })
            .WithHttpTransport(o => o.Stateless = true)
            .WithToolsFromAssembly(typeof(McpComposition).Assembly, ToolJson)
            .WithMessageFilters(filters => filters.AddIncomingFilter(McpArgumentCheck.ArgumentsObjectFilter))
            .WithRequestFilters(filters => filters.AddCallToolFilter(McpArgumentCheck.Filter))
            .WithResourcesFromAssembly(typeof(McpComposition).Assembly)
            .WithPromptsFromAssembly(typeof(McpComposition).Assembly);
        return services;
    }

    public static IEndpointRouteBuilder MapAppMcp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProtectedResourceMetadata();
        endpoints.MapMcp(Path).RequireAuthorization(McpAccessRequirement.Policy);
        return endpoints;
    }
}
