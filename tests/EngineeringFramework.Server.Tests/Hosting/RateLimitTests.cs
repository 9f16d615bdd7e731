using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class RateLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<TestApp> StartWithLimitAsync(int permits, string? trustedProxies = null) => TestApp.StartAsync(
        "Development",
        new Dictionary<string, string?>
        {
            ["RateLimiting:PermitLimit"] = permits.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:WindowSeconds"] = "300",
            ["TRUSTED_PROXIES"] = trustedProxies,
        },
        ProbeEndpoints.AddTo);

    [Fact]
    public async Task Responses_carry_ratelimit_headers_counting_down()
    {
        await using var app = await StartWithLimitAsync(3);

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await app.Client.GetAsync(new Uri("/probe/ok", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("3", PipelineTests.Header(response, "RateLimit-Limit"));
            Assert.Equal("3;w=300", PipelineTests.Header(response, "RateLimit-Policy"));
            var reset = int.Parse(PipelineTests.Header(response, "RateLimit-Reset"), CultureInfo.InvariantCulture);
            Assert.InRange(reset, 1, 300);
            remaining.Add(PipelineTests.Header(response, "RateLimit-Remaining"));
        }

        Assert.Equal(["2", "1", "0"], remaining);
    }

    [Fact]
    public async Task Excess_requests_get_429_with_retry_after_and_a_problem_body()
    {
        await using var app = await StartWithLimitAsync(2);
        for (var i = 0; i < 2; i++)
        {
            await app.Client.GetAsync(new Uri("/probe/ok", UriKind.Relative), Cancel);
        }

        var rejected = await app.Client.GetAsync(new Uri("/probe/ok", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        var retryAfter = int.Parse(PipelineTests.Header(rejected, "Retry-After"), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Equal("0", PipelineTests.Header(rejected, "RateLimit-Remaining"));
        Assert.Equal("2", PipelineTests.Header(rejected, "RateLimit-Limit"));
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await rejected.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Anonymous_clients_are_limited_per_address()
    {
        await using var app = await StartWithLimitAsync(1, trustedProxies: "127.0.0.1");

        var first = await FromAsync(app, "198.51.100.1");
        var firstAgain = await FromAsync(app, "198.51.100.1");
        var other = await FromAsync(app, "198.51.100.2");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.TooManyRequests, firstAgain);
        Assert.Equal(HttpStatusCode.OK, other);

        static async Task<HttpStatusCode> FromAsync(TestApp app, string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/ok");
            request.Headers.Add("X-Forwarded-For", address);
            return (await app.Client.SendAsync(request, Cancel)).StatusCode;
        }
    }

    [Fact]
    public async Task Health_probes_are_not_rate_limited()
    {
        await using var app = await StartWithLimitAsync(1);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel)).StatusCode);
        }
    }
}
