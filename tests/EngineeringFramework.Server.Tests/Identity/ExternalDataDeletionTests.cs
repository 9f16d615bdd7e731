using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// External mode: the account belongs to the provider, so the only account page is the deletion of the product's data.
/// It takes a sign-in at the provider within five minutes and the address typed out; afterwards the subject's earlier
/// tokens and sessions are refused, while a later sign-in (a token issued after the deletion) starts afresh.
/// </summary>
public sealed class ExternalDataDeletionTests
{
    private const string BenSubject = "provider|ben";
    private const string BenEmail = "ben@example.test";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_deletes_their_product_data_after_a_fresh_provider_sign_in_and_their_earlier_tokens_and_sessions_are_refused()
    {
        var issuerClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var issuer = await TestApp.StartAsync(listenOnPublicUrl: true, configure: b => b.Services.AddSingleton<TimeProvider>(issuerClock));
        var audiences = issuer.App.Services.GetRequiredService<Audiences>();
        await using var resource = await TestApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["AUTH_AUTHORITY"] = audiences.Issuer,
                ["AUTH_CLIENT_ID"] = "ef-web",
                ["AUTH_CLIENT_SECRET"] = "a-client-secret-for-tests",
                ["AUTH_AUDIENCES"] = $"{audiences.Api},{audiences.Mcp}",
            },
            configure: b =>
            {
                ExternalSessionEndpoints.AddTo(b);
                AudienceProbeEndpoints.AddTo(b);
            });

        // Ada runs Acme; Ben is a member. Both are known to the product only through the provider's tokens.
        using var adaClient = resource.ClientWithToken(issuer.MintToken("provider|ada", "ada@example.test", audiences.Api));
        using var created = await adaClient.PostAsJsonAsync("/api/v1/organizations", new { name = "Acme" }, Cancel);
        var orgId = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var benToken = issuer.MintToken(BenSubject, BenEmail, audiences.Api);
        var benMcpToken = issuer.MintToken(BenSubject, BenEmail, audiences.Mcp);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(resource, benToken));
        var benId = await AddMemberAsync(resource, orgId, BenSubject);
        Assert.Equal(HttpStatusCode.OK, await ProbeMcpAsync(resource, benMcpToken));

        // Ben's session began at the provider ten minutes ago (auth_time); another browser of his is signed in too.
        using var browser = new BrowserSession(resource.BaseAddress);
        using var otherBrowser = new BrowserSession(resource.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(ExternalSessionEndpoints.For(BenSubject, BenEmail, DateTimeOffset.UtcNow.AddMinutes(-10)))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await otherBrowser.GetAsync(ExternalSessionEndpoints.For(BenSubject, BenEmail, DateTimeOffset.UtcNow))).StatusCode);

        // The provider owns the account: only the deletion page exists here, and the product header points at it.
        foreach (var path in new[] { "/Manage", "/Manage/ChangePassword", "/Manage/ChangeEmail", "/Manage/TwoFactor", "/Manage/SignOutEverywhere" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path)).StatusCode);
        }

        using (var onboarding = await browser.GetAsync("/orgs/" + orgId))
        {
            Assert.Contains("<a href=\"/Manage/DeleteAccount\" class=\"header-link\">Account</a>", await onboarding.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var stale = await ReadAsync(browser, "/Manage/DeleteAccount");
        ProductLayout.AssertUsedBy(stale, "/Manage/DeleteAccount");
        ProductLayout.AssertSignedInHeader(stale, "/Manage/DeleteAccount", "/Manage/DeleteAccount");
        Assert.Contains("<h1>Delete your data</h1>", stale, StringComparison.Ordinal);
        Assert.Contains("href=\"/Manage/DeleteAccount?handler=Reauthenticate\"", stale, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.ConfirmEmail\"", stale, StringComparison.Ordinal);

        // Ten minutes is too old: refused, nothing deleted; "Sign in again" asks the provider for a fresh login.
        using (var tooOld = await browser.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.ConfirmEmail"] = BenEmail }))
        {
            Assert.Contains("Sign in again first", await tooOld.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, await MeAsync(resource, benToken));
        using (var reauthenticate = await browser.GetAsync("/Manage/DeleteAccount?handler=Reauthenticate"))
        {
            Assert.Equal(HttpStatusCode.Redirect, reauthenticate.StatusCode);
            var location = reauthenticate.Headers.Location!;
            Assert.StartsWith(audiences.Issuer.TrimEnd('/') + "/connect/authorize", location.AbsoluteUri, StringComparison.Ordinal);
            Assert.Contains("max_age=0", location.Query, StringComparison.Ordinal);
            Assert.Contains("prompt=login", location.Query, StringComparison.Ordinal);
        }

        // Back from the provider just now: the address must still be typed exactly.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(ExternalSessionEndpoints.For(BenSubject, BenEmail, DateTimeOffset.UtcNow))).StatusCode);
        using (var mistyped = await browser.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.ConfirmEmail"] = "ben@example.tes" }))
        {
            Assert.Contains("<p class=\"field-error\" id=\"Input_ConfirmEmail-error\">", await mistyped.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, await MeAsync(resource, benToken));
        using (var deleted = await browser.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.ConfirmEmail"] = "Ben@Example.test" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
            Assert.Equal("/Account/AccountDeleted", deleted.Headers.Location!.OriginalString);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Account/AccountDeleted")).StatusCode);

        // Earlier tokens and sessions of the subject are refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(resource, benToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeMcpAsync(resource, benMcpToken));
        using (var oldSession = await otherBrowser.GetAsync("/orgs/" + orgId))
        {
            Assert.Equal(HttpStatusCode.Redirect, oldSession.StatusCode);
            Assert.Equal("/Account/SignIn", new Uri(new Uri("http://any.test"), oldSession.Headers.Location!).AbsolutePath);
        }

        await using (var scope = resource.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.False(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.UserId == benId, Cancel));
            Assert.False(await db.RelationshipTuples.BypassTenantFilter().AnyAsync(t => t.User == Fga.User(benId), Cancel));
            var user = await db.Users.SingleAsync(u => u.Id == benId, Cancel);
            Assert.Equal(("Deleted user", string.Empty), (user.DisplayName, user.Email));
            Assert.True(await db.DeletedAccounts.AnyAsync(d => d.AuthSubject == BenSubject, Cancel));
        }

        // The provider keeps issuing tokens for its account: one issued after the deletion is a new start, with a new, empty user.
        issuerClock.SetUtcNow(DateTimeOffset.UtcNow.AddSeconds(2));
        var later = issuer.MintToken(BenSubject, BenEmail, audiences.Api);
        using var laterClient = resource.ClientWithToken(later);
        var me = await laterClient.GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel);
        Assert.NotEqual(benId, me.GetProperty("id").GetGuid());
        Assert.Empty(me.GetProperty("memberships").EnumerateArray());
    }

    [Fact]
    public async Task The_last_admin_cannot_delete_their_product_data()
    {
        await using var issuer = await TestApp.StartAsync(listenOnPublicUrl: true);
        var audiences = issuer.App.Services.GetRequiredService<Audiences>();
        await using var resource = await TestApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["AUTH_AUTHORITY"] = audiences.Issuer,
                ["AUTH_CLIENT_ID"] = "ef-web",
                ["AUTH_CLIENT_SECRET"] = "a-client-secret-for-tests",
                ["AUTH_AUDIENCES"] = $"{audiences.Api},{audiences.Mcp}",
            },
            configure: ExternalSessionEndpoints.AddTo);
        using var adaClient = resource.ClientWithToken(issuer.MintToken("provider|ada", "ada@example.test", audiences.Api));
        using var created = await adaClient.PostAsJsonAsync("/api/v1/organizations", new { name = "Acme" }, Cancel);
        var orgId = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        using var browser = new BrowserSession(resource.BaseAddress);
        using (var signedIn = await browser.GetAsync(ExternalSessionEndpoints.For("provider|ada", "ada@example.test", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var page = await ReadAsync(browser, "/Manage/DeleteAccount");
        using var refused = await browser.SubmitAsync("/Manage/DeleteAccount", new Dictionary<string, string> { ["Input.ConfirmEmail"] = "ada@example.test" });

        Assert.Contains("This account is the last admin of Acme.", page, StringComparison.Ordinal);
        Assert.Contains("This account is the last admin of Acme.", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        await using var scope = resource.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await db.Memberships.BypassTenantFilter().AnyAsync(m => m.OrganizationId == orgId, Cancel));
        Assert.False(await db.DeletedAccounts.AnyAsync(Cancel));
    }

    /// <summary>Adds the subject's product user to the organization as accepting an invitation does (membership and tuple in one save).</summary>
    private static async Task<Guid> AddMemberAsync(TestApp app, Guid orgId, string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(orgId);
        var userId = await db.Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
        db.Memberships.Add(new Membership { OrganizationId = orgId, UserId = userId, Role = MembershipRole.Member, CreatedAt = DateTime.UtcNow });
        scope.ServiceProvider.GetRequiredService<RelationshipWriter>().Write(orgId, Fga.Organization(orgId), "member", Fga.User(userId));
        await db.SaveChangesAsync(Cancel);
        return userId;
    }

    private static async Task<string> ReadAsync(BrowserSession browser, string path)
    {
        using var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync(Cancel);
    }

    private static async Task<HttpStatusCode> MeAsync(TestApp app, string token)
    {
        using var client = app.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> ProbeMcpAsync(TestApp app, string token)
    {
        using var client = app.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri(AudienceProbeEndpoints.McpProbe, UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
