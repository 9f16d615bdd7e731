using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// A service account's token on the real pipeline: it works on the REST API and the MCP server within its role template,
/// its changes follow the sign-off policy as an agent's and carry its name, it is refused on the next request once revoked
/// or expired, and its secret is never shown again. Ada is Acme's admin; Eve runs Evil.
/// </summary>
public sealed class ServiceAccountsApiTests : IAsyncLifetime
{
    private TestApp app = null!;
    private OrgUser ada = null!;
    private OrgUser eve = null!;
    private Guid project;
    private Guid account;
    private string secret = null!;
    private Guid tokenId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Accounts => $"{ApiTestKit.OrgPath(ada.OrgId)}/service-accounts";

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        ada = await app.OnboardAsync("sa-ada", "Acme");
        eve = await app.OnboardAsync("sa-eve", "Evil");
        project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");
        var role = await ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/role-templates", new { name = "Pipelines", permissions = new[] { "update_checklists" } }, Cancel);
        var created = await ada.Client.PostAsJsonAsync(Accounts, new { name = "Nightly CI", roleTemplateId = (await role.ReadJsonAsync()).GetProperty("id").GetGuid(), expiresAt = DateTime.UtcNow.AddDays(90) }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        account = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var token = await ada.Client.PostAsJsonAsync($"{Accounts}/{account}/tokens", new { name = "github-actions" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        Assert.Contains("no-store", token.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var body = await token.ReadJsonAsync();
        secret = body.GetProperty("secret").GetString()!;
        tokenId = body.GetProperty("token").GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private HttpClient Bot => app.ClientWithToken(secret);

    [Fact]
    public async Task The_token_works_on_the_REST_API_within_its_role_and_its_Done_waits_for_a_person()
    {
        var items = await ada.ItemsAsync(project);
        var checklist = await Bot.GetAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/projects/{project}/checklist", Cancel);
        var started = await Bot.SendAsync(HttpMethod.Put, Item(items[0]), """{"status":"InProgress"}""", Version(items[0]));
        var finished = await Bot.SendAsync(HttpMethod.Put, Item(items[1]), """{"status":"Done","evidenceLinks":["https://ci.example.com/runs/42"],"rationale":"The load test passed."}""", Version(items[1]));
        var department = await Bot.PostAsJsonAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/departments", new { name = "Bots" }, Cancel);
        var elsewhere = await Bot.GetAsync($"{ApiTestKit.OrgPath(eve.OrgId)}/projects", Cancel);
        var mine = await Bot.GetFromJsonAsync<JsonElement>("/api/v1/organizations", Cancel);
        var history = await ada.Client.GetFromJsonAsync<JsonElement>($"{Item(items[0])}/activity", Cancel);
        var listed = await ada.Client.GetStringAsync(Accounts, Cancel);

        Assert.Equal(HttpStatusCode.OK, checklist.StatusCode);
        Assert.Equal("InProgress", (await started.ReadJsonAsync()).GetProperty("status").GetString());
        var done = await finished.ReadJsonAsync();
        Assert.Equal(("NotStarted", "Done"), (done.GetProperty("status").GetString(), done.GetProperty("awaitingConfirmation").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, department.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(ada.OrgId, Assert.Single(mine.EnumerateArray()).GetProperty("id").GetGuid());
        var actor = history.GetProperty("items")[0].GetProperty("actor");
        Assert.Equal(("ServiceAccount", "Nightly CI (service account)"), (actor.GetProperty("kind").GetString(), actor.GetProperty("description").GetString()));
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Contains(secret[..12], listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_works_on_the_MCP_server_as_an_agent()
    {
        await using var client = await ConnectAsync(secret);
        var whoami = (await client.CallToolAsync("whoami", new Dictionary<string, object?>(), cancellationToken: Cancel)).StructuredContent!.Value;
        var item = (await ada.ItemsAsync(project))[2];
        var result = await client.CallToolAsync("update_checklist_item", new Dictionary<string, object?>
        {
            ["organization_id"] = ada.OrgId, ["project_id"] = project, ["item_id"] = item.GetProperty("id").GetGuid(), ["version"] = item.GetProperty("version").GetInt64(), ["status"] = "Done",
        }, cancellationToken: Cancel);

        var organization = Assert.Single(whoami.GetProperty("organizations").EnumerateArray());
        Assert.Equal(ada.OrgId, organization.GetProperty("id").GetGuid());
        Assert.Equal(["NotStarted", "InProgress"], organization.GetProperty("agentsMaySetAlone").EnumerateArray().Select(s => s.GetString()));
        Assert.True(result.IsError != true, string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        Assert.Equal("Done", result.StructuredContent!.Value.GetProperty("awaitingConfirmation").GetString());
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_its_next_request_on_both_surfaces()
    {
        var before = await Bot.GetAsync("/api/v1/me", Cancel);
        var revoke = await ada.Client.PostAsync($"{Accounts}/{account}/tokens/{tokenId}/revoke", null, Cancel);
        var after = await Bot.GetAsync("/api/v1/me", Cancel);
        var mcp = await Bot.PostAsJsonAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "tools/list" }, Cancel);
        var listed = await ada.Client.GetFromJsonAsync<JsonElement>($"{Accounts}/{account}", Cancel);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, mcp.StatusCode);
        Assert.Contains("resource_metadata=", mcp.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.NotNull(listed.GetProperty("tokens")[0].GetProperty("lastUsedAt").GetString());
        Assert.NotNull(listed.GetProperty("tokens")[0].GetProperty("revokedAt").GetString());
    }

    [Fact]
    public async Task An_expired_account_is_refused_on_its_next_request()
    {
        var before = await Bot.GetAsync("/api/v1/me", Cancel);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(ada.OrgId);
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().ServiceAccounts.Where(a => a.Id == account)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Cancel);
        }

        var after = await Bot.GetAsync("/api/v1/me", Cancel);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>An external issuer could mint any subject: a JWT naming a service account's user is refused, on the API and the web app.</summary>
    [Fact]
    public async Task A_JWT_or_a_session_naming_a_service_accounts_user_is_refused_and_the_token_opens_no_web_page()
    {
        string subject;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var userId = await db.ServiceAccounts.BypassTenantFilter().Where(a => a.Id == account).Select(a => a.UserId).SingleAsync(Cancel);
            subject = await db.Users.Where(u => u.Id == userId).Select(u => u.AuthSubject).SingleAsync(Cancel);
        }

        var forged = await app.ClientWithToken(app.MintToken(subject, null, app.App.Services.GetRequiredService<Audiences>().Api)).GetAsync("/api/v1/me", Cancel);
        var page = await Bot.GetAsync($"/orgs/{ada.OrgId}", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
    }

    private string Item(JsonElement item) => $"{ApiTestKit.OrgPath(ada.OrgId)}/projects/{project}/checklist/items/{item.GetProperty("id").GetGuid()}";

    private static string Version(JsonElement item) => $"\"{item.GetProperty("version").GetInt64()}\"";

    private Task<McpClient> ConnectAsync(string token) => McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }),
        new McpClientOptions { ClientInfo = new Implementation { Name = "pipeline", Version = "1" } },
        cancellationToken: Cancel);
}
