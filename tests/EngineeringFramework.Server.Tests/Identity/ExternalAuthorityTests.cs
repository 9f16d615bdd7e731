using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Two hosts: A runs the embedded authority on a real port; B is configured with A as its external authority
/// (<c>AUTH_AUTHORITY</c>, client, audiences), so B takes the production JwtBearer path: A's discovery document and
/// JWKS fetched over HTTP.
/// </summary>
public sealed class ExternalAuthorityFixture : IAsyncLifetime
{
    /// <summary>"METHOD /path" of every request A received.</summary>
    internal ConcurrentQueue<string> IssuerRequests { get; } = new();

    internal TestApp Issuer { get; private set; } = null!;

    internal TestApp Resource { get; private set; } = null!;

    internal Audiences IssuerAudiences => Issuer.App.Services.GetRequiredService<Audiences>();

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestApp.StartAsync(listenOnPublicUrl: true, configure: b => b.Services.AddSingleton<IStartupFilter>(new RequestRecorder(IssuerRequests)));
        var audiences = IssuerAudiences;
        Resource = await TestApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["AUTH_AUTHORITY"] = audiences.Issuer,
                ["AUTH_CLIENT_ID"] = "ef-web",
                ["AUTH_CLIENT_SECRET"] = "a-client-secret-for-tests",
                ["AUTH_AUDIENCES"] = $"{audiences.Api},{audiences.Mcp}",
            },
            configure: AudienceProbeEndpoints.AddTo);
    }

    public async ValueTask DisposeAsync()
    {
        await Resource.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    private sealed class RequestRecorder(ConcurrentQueue<string> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
                return following(context);
            });
            next(app);
        };
    }
}

public sealed class ExternalAuthorityTests(ExternalAuthorityFixture fixture) : IClassFixture<ExternalAuthorityFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_token_minted_by_the_issuer_is_accepted_by_the_second_host_through_discovery_and_jwks()
    {
        var token = fixture.Issuer.MintToken("external-subject-1", "ext1@example.test", fixture.IssuerAudiences.Api);
        using var client = fixture.Resource.ClientWithToken(token);

        using var me = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("ext1@example.test", (await me.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("email").GetString());
        Assert.Contains("GET /.well-known/openid-configuration", fixture.IssuerRequests);
        Assert.Contains("GET /.well-known/jwks", fixture.IssuerRequests);
    }

    [Fact]
    public async Task Each_surface_of_the_second_host_accepts_only_its_own_audience()
    {
        var mcpToken = fixture.Issuer.MintToken("external-subject-2", "ext2@example.test", fixture.IssuerAudiences.Mcp);
        using var client = fixture.Resource.ClientWithToken(mcpToken);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(AudienceProbeEndpoints.McpProbe, UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel)).StatusCode);
    }

    [Theory]
    [InlineData("https://ef.example.test/api", "1 entry")]
    [InlineData("https://ef.example.test/api,https://ef.example.test/api/", "the same audience twice")]
    [InlineData("https://ef.example.test/api,https://EF.example.test/API", "the same audience twice")]
    [InlineData("https://ef.example.test/api,https://ef.example.test/mcp,https://ef.example.test/other", "3 entries")]
    public async Task External_mode_refuses_to_start_without_two_distinct_audiences(string audiences, string described)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = null,
            ["AUTH_AUTHORITY"] = "https://tenant.auth0.example/",
            ["AUTH_CLIENT_ID"] = "client",
            ["AUTH_CLIENT_SECRET"] = "secret",
            ["AUTH_AUDIENCES"] = audiences,
        }));

        Assert.Contains($"AUTH_AUDIENCES must name exactly two different audiences, the REST API's first, then the MCP server's", error.Message, StringComparison.Ordinal);
        Assert.Contains($"it has {described}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_token_does_not_open_the_second_hosts_mcp_surface()
    {
        var apiToken = fixture.Issuer.MintToken("external-subject-5", "ext5@example.test", fixture.IssuerAudiences.Api);
        using var client = fixture.Resource.ClientWithToken(apiToken);

        using var mcp = await client.GetAsync(new Uri(AudienceProbeEndpoints.McpProbe, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, mcp.StatusCode);
    }

    [Fact]
    public async Task An_external_address_counts_as_verified_only_when_the_provider_says_email_verified_true()
    {
        var steps = new (string Email, object? Verified)[]
        {
            ("ext6@example.test", null),
            ("ext6@example.test", true),
            ("ext6@example.test", null),
            ("ext6@example.test", "false"),
            ("ext6@example.test", "true"),
            ("ext6-new@example.test", null),
        };
        var seen = new List<(string, bool)>();

        foreach (var (email, verified) in steps)
        {
            using var client = fixture.Resource.ClientWithToken(ExternalToken("external-subject-6", email, verified));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel)).StatusCode);
            seen.Add(await StoredEmailAsync("external-subject-6"));
        }

        // No claim: not verified at first, and later the earlier answer for the same address stands; a new address starts unverified.
        Assert.Equal(
            [("ext6@example.test", false), ("ext6@example.test", true), ("ext6@example.test", true), ("ext6@example.test", false), ("ext6@example.test", true), ("ext6-new@example.test", false)],
            seen);
    }

    /// <summary>A token as the provider would sign it, with <c>email_verified</c> as given (left out when null).</summary>
    private string ExternalToken(string subject, string email, object? emailVerified)
    {
        var audiences = fixture.IssuerAudiences;
        var key = fixture.Issuer.App.Services.GetRequiredService<SigningKeys>().Current;
        var claims = Jwt.Claims(audiences.Issuer, audiences.Api, Now, subject: subject);
        claims["email"] = email;
        if (emailVerified is not null)
        {
            claims["email_verified"] = emailVerified;
        }

        return Jwt.Create(Jwt.Header("RS256", key.KeyId), claims, Jwt.Rs256(key.Rsa));
    }

    private async Task<(string Email, bool Verified)> StoredEmailAsync(string subject)
    {
        await using var scope = fixture.Resource.App.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<EngineeringFramework.Core.Data.AppDbContext>().Users.AsNoTracking().SingleAsync(u => u.AuthSubject == subject, Cancel);
        return (user.Email, user.EmailVerified);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        var issuerKid = fixture.Issuer.App.Services.GetRequiredService<SigningKeys>().Current.KeyId;
        using var stranger = RSA.Create(2048);
        var claims = Jwt.Claims(fixture.IssuerAudiences.Issuer, fixture.IssuerAudiences.Api, Now);
        var unknownKid = Jwt.Create(Jwt.Header("RS256", "not-a-published-kid"), claims, Jwt.Rs256(stranger));
        var impostor = Jwt.Create(Jwt.Header("RS256", issuerKid), claims, Jwt.Rs256(stranger));
        var genuine = fixture.Issuer.MintToken("external-subject-3", "ext3@example.test", fixture.IssuerAudiences.Api);

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(unknownKid));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(impostor));
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(genuine));
    }

    [Theory]
    [InlineData("GET", "/.well-known/openid-configuration")]
    [InlineData("GET", "/.well-known/oauth-authorization-server")]
    [InlineData("GET", "/.well-known/jwks")]
    [InlineData("GET", "/connect/authorize")]
    [InlineData("POST", "/connect/register")]
    [InlineData("POST", "/connect/token")]
    public async Task The_embedded_authority_endpoints_of_the_second_host_answer_404(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = path.EndsWith("register", StringComparison.Ordinal)
                ? JsonContent.Create(new { redirect_uris = new[] { "http://127.0.0.1/callback" } })
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = "x" });
        }

        using var response = await fixture.Resource.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The issuer itself does serve them (the 404 is the second host's, not a broken route).
        if (method == "GET" && path.StartsWith("/.well-known", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Issuer.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel)).StatusCode);
        }
    }

    [Fact]
    public async Task Password_reset_on_the_second_host_answers_identically_for_known_and_unknown_addresses()
    {
        // Known everywhere: an account at the issuer, and a product user at the second host.
        await using (var scope = fixture.Issuer.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var account = new IdentityUser { UserName = "known@example.test", Email = "known@example.test", EmailConfirmed = true };
            Assert.True((await users.CreateAsync(account, Accounts.Password)).Succeeded);
            Assert.Equal(HttpStatusCode.OK, await CallMeAsync(fixture.Issuer.MintToken(account.Id, account.Email, fixture.IssuerAudiences.Api)));
        }

        var before = fixture.IssuerRequests.Count(r => r == "POST /dbconnections/change_password");
        using var first = new BrowserSession(fixture.Resource.BaseAddress);
        using var second = new BrowserSession(fixture.Resource.BaseAddress);
        using var known = await first.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "known@example.test" });
        using var unknown = await second.SubmitAsync("/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = "nobody@example.test" });

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        var knownBody = await known.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(knownBody, await unknown.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("If an account uses this address", knownBody, StringComparison.Ordinal);
        Assert.Equal(known.Content.Headers.ContentType, unknown.Content.Headers.ContentType);
        Assert.Equal(known.Headers.Contains("Set-Cookie"), unknown.Headers.Contains("Set-Cookie"));
        Assert.Equal(known.Headers.Location, unknown.Headers.Location);

        // Both requests went to the issuer's (here missing) dbconnections/change_password endpoint.
        Assert.Equal(before + 2, fixture.IssuerRequests.Count(r => r == "POST /dbconnections/change_password"));
    }

    private async Task<HttpStatusCode> CallMeAsync(string token)
    {
        using var client = fixture.Resource.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
