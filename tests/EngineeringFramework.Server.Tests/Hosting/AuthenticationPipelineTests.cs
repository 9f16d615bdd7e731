using System.Collections.Concurrent;
using System.Net;
using System.Text.Encodings.Web;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>
/// Request-handling schemes (the embedded authority's endpoints, external sign-in callbacks) see every request except
/// the API's and MCP's, and authentication runs once per request: never a second, framework-added pass.
/// </summary>
public sealed class AuthenticationPipelineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed class Seen
    {
        public ConcurrentQueue<string> Paths { get; } = new();
    }

    /// <summary>A request handler that never handles anything, only records which requests it was offered.</summary>
    private sealed class RecordingRequestHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Seen seen)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
    {
        public Task<bool> HandleRequestAsync()
        {
            seen.Paths.Enqueue(Request.Path);
            return Task.FromResult(false);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }

    [Fact]
    public async Task Request_handlers_see_each_page_request_once_and_no_api_or_mcp_request()
    {
        var seen = new Seen();
        await using var app = await TestApp.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton(seen);
            builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RecordingRequestHandler>("recording", null);
        });
        using var api = app.ApiClientFor("pipeline-user", "pipeline@example.com");

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);
        var signIn = await app.Client.GetAsync(new Uri("/Account/SignIn", UriKind.Relative), Cancel);
        var me = await api.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        var anonymousApi = await app.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        var anonymousMcp = await app.Client.PostAsync(new Uri("/mcp", UriKind.Relative), new StringContent("{}"), Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousMcp.StatusCode);
        Assert.Equal(["/health", "/Account/SignIn"], seen.Paths.ToArray());
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }
}
