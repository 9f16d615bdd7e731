using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Tests.Ui;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// A person deletes their own account from the account page, password re-entered: its tokens (plain and connected-app)
/// are refused on REST and MCP, its memberships and tuples are gone, the history still reads as "Deleted user", and a
/// new account on the same address starts afresh. The last admin of an organization cannot delete themselves.
/// </summary>
public sealed class AccountDeletionTests
{
    private const string AdaEmail = "ada@example.test";
    private const string BenEmail = "ben@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deleting_an_account_refuses_its_tokens_removes_its_memberships_and_tuples_and_keeps_the_history_readable()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var (ada, orgId) = await UiBrowser.WithOrganizationAsync(app, AdaEmail, "Acme");
        using var _ = ada;
        using var ben = await UiSteps.JoinAsync(app, ada, orgId, BenEmail);
        var adaApi = new OrgUser(app.ClientWithToken(app.MintToken(await SubjectOfAsync(app, AdaEmail), AdaEmail, audiences.Api)), orgId, Guid.Empty);
        var benSubject = await SubjectOfAsync(app, BenEmail);
        var benId = await app.UserIdAsync(benSubject);

        // Ben leads a project, assigns himself an item through the API and holds MCP access.
        var project = await adaApi.CreateProjectAsync(await adaApi.CreateDepartmentAsync("Platform"), "Checkout", benId);
        var item = (await adaApi.ItemsAsync(project))[0].GetProperty("id").GetGuid();
        var benToken = app.MintToken(benSubject, BenEmail, audiences.Api);
        var benGrantToken = await GrantTokens.IssueAsync(app, benSubject, BenEmail, audiences.Api);
        var benMcpToken = app.MintToken(benSubject, BenEmail, audiences.Mcp);
        using (var benApi = app.ClientWithToken(benToken))
        {
            using var updated = await benApi.SendAsync(HttpMethod.Put, $"{ApiTestKit.OrgPath(orgId)}/projects/{project}/checklist/items/{item}", $$"""{"status":"InProgress","assigneeUserId":"{{benId}}"}""", "\"1\"");
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        await GrantMcpAsync(app, orgId, benId);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, benToken));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, benGrantToken));
        Assert.Equal(HttpStatusCode.OK, await McpCalls.InitializeAsync(app, benMcpToken));
        Assert.True(await TuplesNamingAsync(app, benId) >= 3);

        // A wrong password deletes nothing.
        using (var wrong = await ben.Session.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.Password"] = "not the password at all" }))
        {
            Assert.Contains("<p class=\"field-error\" id=\"Input_Password-error\"><span>The password is not correct.", await wrong.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, benToken));

        using (var deleted = await ben.Session.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.Password"] = Accounts.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
            Assert.Equal("/Account/AccountDeleted", deleted.Headers.Location!.OriginalString);
        }

        // Every kind of token is refused on both surfaces, and the browser session is over.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, benToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, benGrantToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await McpCalls.InitializeAsync(app, benMcpToken));
        Assert.Equal(HttpStatusCode.Redirect, (await ben.Session.GetAsync("/Manage")).StatusCode);
        using (var signIn = new BrowserSession(app.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.OK, (await Accounts.SignInAsync(signIn, BenEmail, Accounts.Password)).StatusCode);
        }

        // Memberships and tuples are gone; the user row stays, anonymised.
        Assert.Equal(0, await TuplesNamingAsync(app, benId));
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.False(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == benId, Cancel));
            var user = await db.Users.SingleAsync(u => u.Id == benId, Cancel);
            Assert.Equal(("Deleted user", string.Empty), (user.DisplayName, user.Email));
            Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(BenEmail));
        }

        // The history still reads, through the API and on the item's page.
        var history = await adaApi.Client.GetFromJsonAsync<JsonElement>($"{ApiTestKit.OrgPath(orgId)}/projects/{project}/checklist/items/{item}/activity", Cancel);
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(("Deleted user", benId), (e.GetProperty("userDisplayName").GetString(), e.GetProperty("userId").GetGuid())));
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("changes").GetProperty("assigneeUserId").GetProperty("to").ValueKind);
        var itemPage = await ada.GetAsync($"/orgs/{orgId}/projects/{project}/items/{item}");
        Assert.Equal(HttpStatusCode.OK, itemPage.Status);
        Assert.Contains("Deleted user via REST API", itemPage.Html, StringComparison.Ordinal);
        var members = await ada.GetAsync($"/orgs/{orgId}/members");
        Assert.DoesNotContain(BenEmail, members.Html, StringComparison.Ordinal);

        // A new account on the same address is a new subject and a new, empty user.
        using (var again = new BrowserSession(app.BaseAddress))
        {
            using var signedUp = await again.SubmitAsync("/Account/SignUp", new Dictionary<string, string>
            {
                ["Input.Email"] = BenEmail,
                ["Input.Password"] = Accounts.Password,
                ["Input.ConfirmPassword"] = Accounts.Password,
            });
            Assert.Contains("Check your email", await signedUp.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var newSubject = await SubjectOfAsync(app, BenEmail);
        Assert.NotEqual(benSubject, newSubject);
        using var fresh = app.ClientWithToken(app.MintToken(newSubject, BenEmail, audiences.Api));
        var me = await fresh.GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel);
        Assert.NotEqual(benId, me.GetProperty("id").GetGuid());
        Assert.Empty(me.GetProperty("memberships").EnumerateArray());
    }

    [Fact]
    public async Task The_last_admin_cannot_delete_their_account_and_is_told_which_organization()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (ada, orgId) = await UiBrowser.WithOrganizationAsync(app, AdaEmail, "Acme");
        using var _ = ada;

        var page = await ada.GetAsync("/Manage/DeleteAccount");
        using var refused = await ada.Session.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.Password"] = Accounts.Password });

        Assert.Contains("This account is the last admin of Acme.", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.Password\"", page.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("This account is the last admin of Acme.", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ada.Session.GetAsync("/Manage")).StatusCode);
        var adaId = await app.UserIdAsync(await SubjectOfAsync(app, AdaEmail));
        Assert.True(await TuplesNamingAsync(app, adaId) > 0);
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == adaId && m.OrganizationId == orgId, Cancel));
        Assert.False(await db.DeletedAccounts.AnyAsync(Cancel));
    }

    private static async Task<string> SubjectOfAsync(TestApp app, string email)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email))!.Id;
    }

    private static async Task<int> TuplesNamingAsync(TestApp app, Guid userId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RelationshipTuples.BypassTenantFilter().CountAsync(t => t.User == Fga.User(userId), Cancel);
    }

    private static async Task GrantMcpAsync(TestApp app, Guid orgId, Guid userId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var admin = await db.Memberships.BypassTenantFilter().Where(m => m.OrganizationId == orgId && m.Role == Core.Organizations.MembershipRole.Admin).Select(m => m.UserId).FirstAsync(Cancel);
        await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(admin, Surface.Ui), orgId, new GrantMcpAccessRequest(userId), Cancel);
    }

    private static async Task<HttpStatusCode> MeAsync(TestApp app, string token)
    {
        using var client = app.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
