using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class PipelineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_is_anonymous_and_ready_checks_the_database()
    {
        await using var app = await TestApp.StartAsync();

        var live = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);
        var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_migrated_SQLite_database_uses_write_ahead_logging()
    {
        await using var app = await TestApp.StartAsync();
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Data.AppDbContext>();
        if (db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) != true)
        {
            Assert.Skip("The SQLite journal mode does not apply to PostgreSQL runs.");
        }

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", await command.ExecuteScalarAsync(Cancel) as string);
    }

    [Fact]
    public async Task SQLite_connections_of_both_stores_wait_for_the_write_lock_inside_SQLite()
    {
        // Without a busy timeout a writer that finds the lock taken sleeps 150 ms in the provider (SqliteBusyTimeout).
        await using var app = await TestApp.StartAsync();
        await using var scope = app.App.Services.CreateAsyncScope();
        DbContext[] contexts =
        [
            scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Data.AppDbContext>(),
            scope.ServiceProvider.GetRequiredService<EngineeringFramework.Server.Identity.Store.IdentityStoreDbContext>(),
        ];
        foreach (var db in contexts)
        {
            if (db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) != true)
            {
                Assert.Skip("SQLite's busy timeout does not apply to PostgreSQL runs.");
            }

            await db.Database.OpenConnectionAsync(Cancel);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";

            Assert.Equal((long)EngineeringFramework.Core.Data.SqliteBusyTimeout.Wait.TotalMilliseconds, await command.ExecuteScalarAsync(Cancel));
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task Ready_reports_unhealthy_without_details_when_the_database_is_unreachable()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Password=pw-should-not-leak;Timeout=2",
            ["MIGRATE_ON_START"] = "false",
        });

        var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
        var body = await ready.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.DoesNotContain("pw-should-not-leak", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_database_unreachable_an_api_call_answers_503_with_retry_after_not_500_or_401()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Password=pw-should-not-leak;Timeout=2",
            ["MIGRATE_ON_START"] = "false",
        });

        var response = await app.ApiClientFor("ada").GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("pw-should-not-leak", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routes_without_an_explicit_anonymous_marker_refuse_anonymous_callers()
    {
        await using var app = await TestApp.StartAsync(configure: ProbeEndpoints.AddTo);

        var response = await app.Client.GetAsync(new Uri("/unmarked", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/probe/ok")]
    [InlineData("/no-such-route")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        await using var app = await TestApp.StartAsync(configure: ProbeEndpoints.AddTo);

        var response = await app.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Hsts_is_sent_outside_development_over_https()
    {
        await using var production = await TestApp.StartAsync("Production");
        await using var development = await TestApp.StartAsync("Development");

        var secure = await production.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);
        var local = await development.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);

        Assert.StartsWith("max-age=31536000", Header(secure, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.False(local.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Production_redirects_plain_http_except_health_probes()
    {
        await using var app = await TestApp.StartAsync("Production", configure: ProbeEndpoints.AddTo);
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        var page = await plain.GetAsync(new Uri("/probe/ok", UriKind.Relative), Cancel);
        var health = await plain.GetAsync(new Uri("/health", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        Assert.Equal("https", page.Headers.Location?.Scheme);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_only_from_trusted_proxies()
    {
        await using var trusted = await TestApp.StartAsync("Development", new Dictionary<string, string?> { ["TRUSTED_PROXIES"] = "127.0.0.0/8" }, ProbeEndpoints.AddTo);
        await using var untrusted = await TestApp.StartAsync("Development", new Dictionary<string, string?> { ["TRUSTED_PROXIES"] = "10.1.2.3" }, ProbeEndpoints.AddTo);

        var believed = await SchemeSeenAsync(trusted);
        var ignored = await SchemeSeenAsync(untrusted);

        Assert.Equal(("https", "203.0.113.9"), believed);
        Assert.Equal(("http", "127.0.0.1"), ignored);

        static async Task<(string, string)> SchemeSeenAsync(TestApp app)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/scheme");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            var response = await app.Client.SendAsync(request, Cancel);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            return (body.GetProperty("scheme").GetString()!, body.GetProperty("client").GetString()!);
        }
    }

    [Fact]
    public async Task Malformed_json_body_is_a_400_problem()
    {
        await using var app = await TestApp.StartAsync("Production", configure: ProbeEndpoints.AddTo);

        var response = await app.Client.PostAsync(new Uri("/probe/echo", UriKind.Relative), new StringContent("{\"name\": \"x\", \"count\": ", Encoding.UTF8, "application/json"), Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("System.Text.Json", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_body_is_a_413_problem()
    {
        await using var app = await TestApp.StartAsync("Production", new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "1024" }, ProbeEndpoints.AddTo);
        var body = JsonSerializer.Serialize(new { name = new string('x', 4096), count = 1 });

        var response = await app.Client.PostAsync(new Uri("/probe/echo", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Well_formed_body_is_accepted()
    {
        await using var app = await TestApp.StartAsync("Production", configure: ProbeEndpoints.AddTo);

        var response = await app.Client.PostAsJsonAsync(new Uri("/probe/echo", UriKind.Relative), new { name = "x", count = 2 }, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unhandled_exception_outside_development_reveals_nothing_internal()
    {
        await using var app = await TestApp.StartAsync("Production", configure: ProbeEndpoints.AddTo);

        var response = await app.Client.GetAsync(new Uri("/probe/throw", UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Unhandled_exception_in_development_shows_the_developer_what_failed()
    {
        await using var app = await TestApp.StartAsync("Development", configure: ProbeEndpoints.AddTo);

        var response = await app.Client.GetAsync(new Uri("/probe/throw", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("InvalidOperationException", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_is_a_problem_document()
    {
        await using var app = await TestApp.StartAsync("Production");

        var response = await app.Client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative), Cancel);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    internal static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content)
            : throw new Xunit.Sdk.XunitException($"Response has no {name} header.");
}
