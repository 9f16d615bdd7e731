using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Client;

namespace EngineeringFramework.Server.Tests.Mcp;

public sealed class McpServerTests : IAsyncLifetime
{
    private TestApp app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Audiences Audiences => app.App.Services.GetRequiredService<Audiences>();

    private Uri McpEndpoint => new(app.BaseAddress, "/mcp");

    public async ValueTask InitializeAsync() => app = await TestApp.StartAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>An organization created through the API by <paramref name="subject"/>, who is then granted MCP access or not.</summary>
    private async Task<Guid> OnboardAsync(string subject, bool grantMcp)
    {
        var response = await app.ApiClientFor(subject).PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, Cancel);
        var orgId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        if (grantMcp)
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            var user = await UserAsync(subject);
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(user.Id, Surface.Api), orgId, new GrantMcpAccessRequest(user.Id), Cancel);
        }

        return orgId;
    }

    private async Task<User> UserAsync(string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.AuthSubject == subject, Cancel);
    }

    private Task<McpClient> ConnectAsync(string token) => McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }),
        cancellationToken: Cancel);

    private string McpToken(string subject) => app.MintToken(subject, subject + "@example.com", Audiences.Mcp);

    private async Task<HttpResponseMessage> PostInitializeAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, McpEndpoint)
        {
            Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "raw", version = "1" } } }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var client = new HttpClient();
        return await client.SendAsync(request, Cancel);
    }

    [Fact]
    public async Task Protected_resource_metadata_is_anonymous_and_names_the_authorization_server()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var pathSpecific = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource/mcp", Cancel);
        var root = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource", Cancel);

        Assert.Equal(Audiences.Mcp, pathSpecific.GetProperty("resource").GetString());
        Assert.EndsWith("/mcp", pathSpecific.GetProperty("resource").GetString(), StringComparison.Ordinal);
        Assert.Equal(Audiences.Issuer, pathSpecific.GetProperty("authorization_servers")[0].GetString());
        Assert.Equal(pathSpecific.GetRawText(), root.GetRawText());
    }

    [Fact]
    public async Task No_token_is_401_pointing_at_the_resource_metadata()
    {
        var response = await PostInitializeAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        // The metadata lives beside the resource the token is for ({PUBLIC_URL}/mcp), per RFC 9728.
        Assert.Contains($"resource_metadata=\"{new Uri(new Uri(Audiences.Mcp), "/.well-known/oauth-protected-resource/mcp").AbsoluteUri}\"", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid_token", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_audience_token_is_401_invalid_token()
    {
        await OnboardAsync("ada", grantMcp: true);

        var response = await PostInitializeAsync(app.MintToken("ada", "ada@example.com", Audiences.Api));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_with_a_bad_signature_is_401()
    {
        using var stranger = RSA.Create(2048);
        var forged = Jwt.Create(Jwt.Header("RS256", "stranger"), Jwt.Claims(Audiences.Issuer, Audiences.Mcp, DateTimeOffset.UtcNow, subject: "ada"), Jwt.Rs256(stranger));

        var response = await PostInitializeAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var token = app.App.Services.GetRequiredService<EngineeringFramework.Server.Identity.Tokens.AccessTokenMinter>().Mint("ada", "ada@example.com", Audiences.Mcp, TimeSpan.FromMinutes(-10));

        var response = await PostInitializeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Valid_token_without_the_grant_is_403_saying_access_is_not_provisioned()
    {
        await OnboardAsync("ben", grantMcp: false);

        var response = await PostInitializeAsync(McpToken("ben"));
        var body = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not been provisioned", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Granted_user_lists_tools_and_whoami_names_the_organization()
    {
        var orgId = await OnboardAsync("ada", grantMcp: true);
        await using var client = await ConnectAsync(McpToken("ada"));

        var tools = await client.ListToolsAsync(cancellationToken: Cancel);
        var whoami = await client.CallToolAsync("whoami", cancellationToken: Cancel);

        Assert.Contains(tools, t => t.Name == "whoami" && t.ProtocolTool.Annotations?.ReadOnlyHint == true);
        Assert.NotEqual(true, whoami.IsError);
        var organizations = whoami.StructuredContent!.Value.GetProperty("organizations");
        Assert.Equal(orgId, Assert.Single(organizations.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_revoked_grant_is_refused_on_the_very_next_call()
    {
        var orgId = await OnboardAsync("ada", grantMcp: true);
        await using var client = await ConnectAsync(McpToken("ada"));
        await client.CallToolAsync("whoami", cancellationToken: Cancel);
        var ada = await UserAsync("ada");

        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().RevokeAsync(new Caller(ada.Id, Surface.Api), orgId, ada.Id, Cancel);
        }

        var response = await PostInitializeAsync(McpToken("ada"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>
    /// The race a remembered grant would lose: the revocation is saved but its commit is held back; a call in between
    /// still sees the grant (it is still committed), and once the commit lands, nothing of that call may outlive it.
    /// </summary>
    [Fact]
    public async Task A_revocation_whose_commit_is_delayed_leaves_no_remembered_grant_behind()
    {
        var orgId = await OnboardAsync("ada", grantMcp: true);
        var ada = await UserAsync("ada");
        using (var before = await PostInitializeAsync(McpToken("ada")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().RevokeAsync(new Caller(ada.Id, Surface.Api), orgId, ada.Id, Cancel);

            using (var between = await PostInitializeAsync(McpToken("ada")))
            {
                Assert.Equal(HttpStatusCode.OK, between.StatusCode);
            }

            await transaction.CommitAsync(Cancel);
        }

        using var after = await PostInitializeAsync(McpToken("ada"));
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }
}
