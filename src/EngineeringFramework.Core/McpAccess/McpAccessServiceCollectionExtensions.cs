using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.McpAccess;

public static class McpAccessServiceCollectionExtensions
{
    public static IServiceCollection AddMcpAccess(this IServiceCollection services) => services.AddScoped<McpAccessService>();
}
