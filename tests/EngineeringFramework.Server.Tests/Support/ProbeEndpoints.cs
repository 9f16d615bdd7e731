using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>Endpoints that exist only in tests, mapped through the app's own pipeline.</summary>
internal sealed class ProbeEndpoints : IEndpointContributor
{
    public const string SecretExceptionText = "connection to db-internal-7 failed with password hunter2";

    public void Map(IEndpointRouteBuilder endpoints)
    {
        var probes = endpoints.MapGroup("/probe").AllowAnonymous();
        probes.MapGet("/ok", () => Results.Ok(new { ok = true }));
        probes.MapPost("/echo", (EchoRequest request) => Results.Ok(request));
        probes.MapGet("/throw", IResult () => throw new InvalidOperationException(SecretExceptionText));
        probes.MapGet("/scheme", (HttpContext context) => Results.Ok(new { scheme = context.Request.Scheme, client = context.Connection.RemoteIpAddress?.ToString() }));
        // No authorization metadata at all: only the fallback (deny-by-default) policy protects it.
        endpoints.MapGet("/unmarked", () => Results.Ok(new { reached = true }));
    }

    public static void AddTo(WebApplicationBuilder builder) => builder.Services.AddSingleton<IEndpointContributor, ProbeEndpoints>();

    internal sealed record EchoRequest(string Name, int Count);
}
