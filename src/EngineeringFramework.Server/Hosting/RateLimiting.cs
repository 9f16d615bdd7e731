using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Global rate limiting with ASP.NET Core's limiter: a fixed window per authenticated user, or per
/// client address for anonymous callers (after trusted forwarded headers, so a proxy's clients are
/// told apart and nobody else can pick their own address). Responses carry the IETF draft
/// <c>RateLimit-Limit</c> / <c>RateLimit-Remaining</c> / <c>RateLimit-Reset</c> fields and
/// <c>RateLimit-Policy</c>; rejections are 429 problem details with <c>Retry-After</c>.
/// </summary>
internal static class RateLimiting
{
    /// <summary>The policy of the anonymous endpoints that create stored rows (OAuth client registration), per client address.</summary>
    public const string ClientRegistrationPolicy = "client-registration";

    public static IServiceCollection AddAppRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitingSettings>().Bind(configuration.GetSection(RateLimitingSettings.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RequestPartitionLimiter>();
        services.AddOptions<RateLimiterOptions>().Configure<RequestPartitionLimiter>((options, limiter) =>
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limiter.Window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var headers = context.HttpContext.Response.Headers;
                headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                headers["RateLimit-Reset"] = seconds.ToString(CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = $"Rate limit exceeded; retry after {seconds} seconds." },
                });
            };
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<Microsoft.Extensions.Options.IOptions<RateLimitingSettings>>((options, settings) =>
            options.AddPolicy(ClientRegistrationPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.Value.ClientRegistrationsPerHour,
                    Window = TimeSpan.FromHours(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })));
        return services;
    }

    /// <summary>Runs the limiter and puts the RateLimit fields on every response, accepted or not.</summary>
    public static IApplicationBuilder UseAppRateLimiting(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var limiter = context.RequestServices.GetRequiredService<RequestPartitionLimiter>();
            context.Response.OnStarting(() =>
            {
                limiter.WriteHeaders(context);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app.UseRateLimiter();
    }
}

internal sealed class RequestPartitionLimiter : IDisposable
{
    private readonly int permitLimit;
    private readonly TimeProvider time;

    // When each partition's current window began, learned from the limiter itself: the lease that
    // leaves PermitLimit-1 permits is the first of a window. Bounded: entries expire with their window.
    private readonly MemoryCache windowStarts = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public RequestPartitionLimiter(IOptions<RateLimitingSettings> options, TimeProvider time)
    {
        permitLimit = options.Value.PermitLimit;
        Window = TimeSpan.FromSeconds(options.Value.WindowSeconds);
        this.time = time;
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            PartitionKey(context),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitLimit, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public TimeSpan Window { get; }

    internal static string PartitionKey(HttpContext context)
    {
        var subject = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue("sub") ?? context.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;
        return subject is not null
            ? "user:" + subject
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    public void WriteHeaders(HttpContext context)
    {
        var key = PartitionKey(context);
        var remaining = Math.Max(0, (int)(Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0));
        var now = time.GetUtcNow();
        if (remaining == permitLimit - 1 || !windowStarts.TryGetValue(key, out DateTimeOffset start))
        {
            start = now;
            windowStarts.Set(key, start, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = now + Window });
        }

        var reset = Math.Max(1, (int)Math.Ceiling((start + Window - now).TotalSeconds));
        var headers = context.Response.Headers;
        headers["RateLimit-Limit"] = permitLimit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        if (!headers.ContainsKey("RateLimit-Reset"))
        {
            headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        }

        headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"{permitLimit};w={(int)Window.TotalSeconds}");
    }

    public void Dispose()
    {
        Limiter.Dispose();
        windowStarts.Dispose();
    }
}
