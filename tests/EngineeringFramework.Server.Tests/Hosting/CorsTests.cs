using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class CorsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<TestApp> StartAsync() => TestApp.StartAsync(
        "Development",
        new Dictionary<string, string?> { ["CORS_ALLOWED_ORIGINS"] = "https://app.example.com, http://localhost:3000" },
        ProbeEndpoints.AddTo);

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("http://localhost:3000")]
    public async Task Listed_origin_gets_a_cors_grant_on_preflight_and_request(string origin)
    {
        await using var app = await StartAsync();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/probe/echo");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        var preflightResponse = await app.Client.SendAsync(preflight, Cancel);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/ok");
        request.Headers.Add("Origin", origin);
        var response = await app.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Equal(origin, PipelineTests.Header(preflightResponse, "Access-Control-Allow-Origin"));
        Assert.Equal(origin, PipelineTests.Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("RateLimit-Remaining", PipelineTests.Header(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://app.example.com.evil.test")]
    [InlineData("http://app.example.com")]
    [InlineData("null")]
    public async Task Unlisted_origin_gets_no_cors_grant(string origin)
    {
        await using var app = await StartAsync();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/probe/echo");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var preflightResponse = await app.Client.SendAsync(preflight, Cancel);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/ok");
        request.Headers.Add("Origin", origin);
        var response = await app.Client.SendAsync(request, Cancel);

        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task No_origin_is_granted_when_none_is_configured()
    {
        await using var app = await TestApp.StartAsync(configure: ProbeEndpoints.AddTo);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/ok");
        request.Headers.Add("Origin", "https://app.example.com");
        var response = await app.Client.SendAsync(request, Cancel);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
