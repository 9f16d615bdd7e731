using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Hosting;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Mcp;

/// <summary>The host's CORS allowlist and rate limiting cover <c>/mcp</c> exactly as they cover the REST API.</summary>
public sealed class McpHostingTests
{
    private const string Allowed = "https://app.example.com";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<TestApp> StartAsync(int permits = 600) => TestApp.StartAsync(
        "Development",
        new Dictionary<string, string?>
        {
            ["CORS_ALLOWED_ORIGINS"] = Allowed,
            ["RateLimiting:PermitLimit"] = permits.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:WindowSeconds"] = "300",
        });

    /// <summary>An MCP token for <paramref name="subject"/>, who owns an organization and holds its MCP grant.</summary>
    private static async Task<string> GrantedTokenAsync(TestApp app, string subject)
    {
        var created = await app.ApiClientFor(subject).PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, Cancel);
        var orgId = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        await using var scope = app.App.Services.CreateAsyncScope();
        var userId = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
        await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(userId, Surface.Api), orgId, new GrantMcpAccessRequest(userId), Cancel);
        return app.MintToken(subject, subject + "@example.com", app.App.Services.GetRequiredService<Audiences>().Mcp);
    }

    /// <summary>A raw Streamable HTTP <c>initialize</c> POST, as a browser-based MCP client sends it.</summary>
    private static HttpRequestMessage Initialize(string? token, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "browser", version = "1" } } }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,mcp-protocol-version");
        return preflight;
    }

    [Fact]
    public async Task Listed_origin_gets_a_cors_grant_on_the_mcp_preflight_and_call()
    {
        await using var app = await StartAsync();
        var token = await GrantedTokenAsync(app, "ada");

        using var preflight = Preflight(Allowed);
        var preflightResponse = await app.Client.SendAsync(preflight, Cancel);
        using var call = Initialize(token, Allowed);
        var response = await app.Client.SendAsync(call, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Equal(Allowed, PipelineTests.Header(preflightResponse, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", PipelineTests.Header(preflightResponse, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, PipelineTests.Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://app.example.com.evil.test")]
    [InlineData("http://app.example.com")]
    [InlineData("null")]
    public async Task Unlisted_origin_gets_no_cors_grant_on_mcp(string origin)
    {
        await using var app = await StartAsync();
        var token = await GrantedTokenAsync(app, "ada");

        using var preflight = Preflight(origin);
        var preflightResponse = await app.Client.SendAsync(preflight, Cancel);
        using var call = Initialize(token, origin);
        var response = await app.Client.SendAsync(call, Cancel);
        using var anonymous = Initialize(null, origin);
        var challenge = await app.Client.SendAsync(anonymous, Cancel);

        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Headers"));
        // The server still answers (CORS is the browser's rule), but grants the page nothing to read.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.False(challenge.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Mcp_calls_beyond_the_limit_get_429_with_retry_after_and_ratelimit_headers()
    {
        // Three permits per window for the user: one for creating the organization, two for MCP calls.
        await using var app = await StartAsync(permits: 3);
        var token = await GrantedTokenAsync(app, "ada");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 3; i++)
        {
            using var call = Initialize(token);
            var response = await app.Client.SendAsync(call, Cancel);
            statuses.Add(response.StatusCode);
            rejected = response;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var retryAfter = int.Parse(PipelineTests.Header(rejected!, "Retry-After"), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Equal("0", PipelineTests.Header(rejected!, "RateLimit-Remaining"));
        Assert.Equal("3", PipelineTests.Header(rejected!, "RateLimit-Limit"));
        Assert.Equal("application/problem+json", rejected!.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await rejected.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Anonymous_mcp_requests_are_limited_per_address_before_the_challenge()
    {
        await using var app = await StartAsync(permits: 2);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var call = Initialize(null);
            statuses.Add((await app.Client.SendAsync(call, Cancel)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }
}
