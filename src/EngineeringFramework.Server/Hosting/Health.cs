using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// <c>/health</c> (the process answers) and <c>/health/ready</c> (the database answers, and in remote mode OpenFGA does
/// too; the outbox's delivery lag is reported with it); both anonymous.
/// </summary>
internal static class Health
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddAppHealth(this IServiceCollection services, bool remoteAuthorization)
    {
        var checks = services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        if (remoteAuthorization)
        {
            // An instance that cannot reach OpenFGA answers every request with 503: take it out of rotation.
            checks.AddCheck<OpenFgaHealthCheck>("openfga", tags: [ReadyTag]);
        }

        return services;
    }

    public static IEndpointRouteBuilder MapAppHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new() { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteReadyAsync }).AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    /// <summary>The bare status, as before, unless a check reports figures (remote mode's delivery lag): then JSON with them.</summary>
    private static Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        if (report.Entries.Values.All(e => e.Data.Count == 0))
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
        }

        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }, context.RequestAborted);
    }

    private sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                // No connection details in the answer: it is anonymous.
                : HealthCheckResult.Unhealthy("The database is not reachable.");
    }

    private sealed class OpenFgaHealthCheck(RemoteAuthorizationEngine openFga, AppDbContext db, TimeProvider time) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var (count, oldest) = await TupleDelivery.LagAsync(db, cancellationToken);
            var lag = new Dictionary<string, object>
            {
                ["undeliveredTupleChanges"] = count,
                ["oldestUndeliveredSeconds"] = oldest is { } at ? Math.Round((time.GetUtcNow().UtcDateTime - at).TotalSeconds, 1) : 0,
            };
            try
            {
                // A read the store must answer: the model it checks with (the pinned one, or the latest).
                if (await openFga.ReadModelAsync(null, cancellationToken) is null)
                {
                    return HealthCheckResult.Unhealthy("The OpenFGA store has no authorization model.", data: lag);
                }
            }
            catch (Exception e) when (e is AuthorizationUnavailableException or AuthzException)
            {
                // The reason stays in the logs: the answer is anonymous.
                return HealthCheckResult.Unhealthy("OpenFGA is not reachable.", data: lag);
            }

            return HealthCheckResult.Healthy(count == 0 ? "OpenFGA answers; every permission change is delivered." : $"OpenFGA answers; {count} permission change(s) waiting.", lag);
        }
    }
}
