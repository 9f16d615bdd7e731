using EngineeringFramework.Core.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngineeringFramework.Server.Hosting;

/// <summary><c>/health</c> (the process answers) and <c>/health/ready</c> (the database answers); both anonymous.</summary>
internal static class Health
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddAppHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapAppHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new() { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    private sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                // No connection details in the answer: it is anonymous.
                : HealthCheckResult.Unhealthy("The database is not reachable.");
    }
}
