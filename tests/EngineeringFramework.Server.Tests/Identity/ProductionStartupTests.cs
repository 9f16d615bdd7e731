using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class ProductionStartupTests
{
    private const string ApiAudience = "https://ef.example.test/api";
    private const string McpAudience = "https://ef.example.test/mcp";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Production_refuses_to_start_without_a_signing_key_or_an_external_authority()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Production", new Dictionary<string, string?> { ["AUTH_SIGNING_KEY"] = null }));

        Assert.Contains("Neither AUTH_SIGNING_KEY nor AUTH_AUTHORITY is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_starts_with_an_external_authority_and_no_signing_key()
    {
        using var issuerKey = RSA.Create(2048);
        using var issuer = new ExternalIssuer(issuerKey);
        await using var app = await TestApp.StartAsync(
            "Production",
            new Dictionary<string, string?>
            {
                ["AUTH_SIGNING_KEY"] = null,
                ["AUTH_AUTHORITY"] = ExternalIssuer.Authority,
                ["AUTH_CLIENT_ID"] = "client",
                ["AUTH_CLIENT_SECRET"] = "secret",
                ["AUTH_AUDIENCES"] = $"{ApiAudience},{McpAudience}",
            },
            builder =>
            {
                AudienceProbeEndpoints.AddTo(builder);
                // The provider's discovery document and key set, answered here instead of over the internet.
                builder.Services.ConfigureAll<JwtBearerOptions>(o => o.BackchannelHttpHandler = issuer);
            });
        using var otherKey = RSA.Create(2048);

        // It runs as that provider's resource server: each surface takes the provider's tokens for its own audience...
        using var api = await CallAsync(app, "/api/v1/me", issuer.Token(issuerKey, ApiAudience, "provider-user-1"));
        using var mcp = await CallAsync(app, AudienceProbeEndpoints.McpProbe, issuer.Token(issuerKey, McpAudience, "provider-user-2"));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("provider-user-1@example.test", (await api.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
        Assert.Contains("GET /.well-known/openid-configuration", issuer.Requests);
        Assert.Contains("GET /.well-known/jwks.json", issuer.Requests);

        // ...and nothing else: not the other surface's audience, not a key the provider never published.
        using var crossed = await CallAsync(app, "/api/v1/me", issuer.Token(issuerKey, McpAudience, "provider-user-2"));
        using var foreign = await CallAsync(app, "/api/v1/me", issuer.Token(otherKey, ApiAudience, "provider-user-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, crossed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);

        // No embedded authority runs beside it: this server issues nothing and publishes no keys of its own.
        using var discovery = await app.Client.GetAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative), Cancel);
        using var keys = await app.Client.GetAsync(new Uri("/.well-known/jwks", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, keys.StatusCode);
    }

    [Fact]
    public async Task External_authority_without_its_client_settings_is_refused_naming_each()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = null,
            ["AUTH_AUTHORITY"] = "https://tenant.auth0.example/",
        }));

        Assert.Contains("AUTH_CLIENT_ID is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("AUTH_CLIENT_SECRET is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("AUTH_AUDIENCES is not set", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> CallAsync(TestApp app, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.Client.SendAsync(request, Cancel);
    }

    /// <summary>
    /// The external provider as its resource servers see it over HTTPS: a discovery document and a key set (one RS256
    /// key), recording what was asked of it; it mints its tokens with the key the test hands it.
    /// </summary>
    private sealed class ExternalIssuer(RSA key) : HttpMessageHandler
    {
        public const string Authority = "https://tenant.auth0.example/";

        private const string KeyId = "provider-key-1";

        public ConcurrentQueue<string> Requests { get; } = new();

        public string Token(RSA signingKey, string audience, string subject)
        {
            var header = Jwt.Header(SecurityAlgorithms.RsaSha256, KeyId);
            header["typ"] = "JWT";
            var claims = Jwt.Claims(Authority, audience, DateTimeOffset.UtcNow, subject: subject);
            return Jwt.Create(header, claims, Jwt.Rs256(signingKey));
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            Requests.Enqueue($"{request.Method} {uri.AbsolutePath}");
            object? document = uri.GetLeftPart(UriPartial.Path) switch
            {
                Authority + ".well-known/openid-configuration" => new Dictionary<string, object>
                {
                    ["issuer"] = Authority,
                    ["jwks_uri"] = Authority + ".well-known/jwks.json",
                    ["authorization_endpoint"] = Authority + "authorize",
                    ["token_endpoint"] = Authority + "oauth/token",
                    ["response_types_supported"] = new[] { "code" },
                    ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
                },
                Authority + ".well-known/jwks.json" => new Dictionary<string, object>
                {
                    ["keys"] = new[] { PublicKey() },
                },
                _ => null,
            };
            return Task.FromResult(document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(document) });
        }

        private Dictionary<string, string> PublicKey()
        {
            var parameters = key.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.RsaSha256,
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }
    }
}
