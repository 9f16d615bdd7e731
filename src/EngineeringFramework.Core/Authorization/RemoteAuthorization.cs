using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Authorization;

/// <summary>Remote mode: every check goes to OpenFGA, after the outbox has been delivered up to now.</summary>
/// <remarks>
/// Read-your-writes across instances: a change committed on instance A must count on instance B's very next request.
/// Before its first check a request asks whether anything is undelivered (one indexed query) and, if so, delivers it
/// (or waits for the instance that is delivering); checks then use HIGHER_CONSISTENCY so OpenFGA's caches cannot
/// answer from before the write. The alternative, OpenFGA consistency tokens, would need the token carried from the
/// writing request to every other instance; the outbox already is that shared state.
/// </remarks>
internal sealed class RemoteEngineSource(RemoteAuthorizationEngine remote, TupleDelivery delivery) : IRelationshipEngineSource
{
    public async Task<IAuthorizationEngine> ReadyAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        await delivery.EnsureDeliveredAsync(db, cancellationToken);
        return remote;
    }
}

public static class RemoteAuthorization
{
    public const string HttpClientName = "OpenFGA";

    /// <summary>Registers the remote engine and its delivery; the embedded engine is then neither registered nor built.</summary>
    internal static IServiceCollection AddRemoteAuthorization(this IServiceCollection services, RemoteAuthorizationOptions options)
    {
        // The engine is a singleton, so it keeps one HttpClient: the handler recycles pooled connections itself
        // (so DNS changes are seen) instead of relying on the factory's handler rotation.
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        // Four information lines per permission check would drown everything else; failures surface as exceptions.
        services.AddLogging(b => b.AddFilter("System.Net.Http.HttpClient." + HttpClientName, LogLevel.Warning));
        var remote = options.Engine with { Consistency = "HIGHER_CONSISTENCY" };
        services.AddSingleton(sp => new RemoteAuthorizationEngine(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), remote, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TupleDelivery>();
        services.AddSingleton<IRelationshipEngineSource, RemoteEngineSource>();
        if (options.RunDeliveryWorker)
        {
            // Woken by every committed permission change, here or on another instance (ClusterSignals tells observers).
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TupleDeliveryWorker>(sp, options.IdlePoll));
            services.AddHostedService(sp => sp.GetRequiredService<TupleDeliveryWorker>());
            services.AddSingleton<IRelationshipChangeObserver>(sp => sp.GetRequiredService<TupleDeliveryWorker>());
        }

        return services;
    }
}
