using System.Net;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Grants;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Every way a grant ends: afterwards the refresh token is refused at once, and an access token issued under the grant
/// is refused at its next use here (and within <see cref="GrantStanding.Recheck"/> on another instance).
/// </summary>
public sealed class RevocationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Revoking_a_connected_app_refuses_its_refresh_token_and_its_access_token()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "revoker@example.test");
        using (browser)
        {
            using var page = await browser.GetAsync("/Manage/ConnectedApps");
            var html = await page.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("Test CLI", html, StringComparison.Ordinal);
            var authorizationId = System.Text.RegularExpressions.Regex.Match(html, "name=\"authorizationId\" value=\"([^\"]+)\"").Groups[1].Value;

            using var revoked = await browser.SubmitAsync("/Manage/ConnectedApps", new Dictionary<string, string> { ["authorizationId"] = authorizationId }, "/Manage/ConnectedApps?handler=Revoke");
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);

            using var after = await browser.GetAsync("/Manage/ConnectedApps");
            Assert.DoesNotContain("Test CLI", await after.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await AssertEndedAsync(client, tokens);
    }

    [Fact]
    public async Task Revoking_someone_elses_connected_app_changes_nothing()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, owner, tokens) = await ConnectAsync(app, "owner@example.test");
        using var ownerPage = await owner.GetAsync("/Manage/ConnectedApps");
        var authorizationId = System.Text.RegularExpressions.Regex.Match(await ownerPage.Content.ReadAsStringAsync(Cancel), "name=\"authorizationId\" value=\"([^\"]+)\"").Groups[1].Value;
        using var intruder = await ConsentTests.SignedInAsync(app, "intruder@example.test");

        // The intruder's own page lists nothing to revoke; any of their pages with a form gives them a valid antiforgery token.
        using var attempt = await intruder.SubmitAsync("/Manage/TwoFactor", new Dictionary<string, string> { ["authorizationId"] = authorizationId }, "/Manage/ConnectedApps?handler=Revoke");

        Assert.Equal(HttpStatusCode.Redirect, attempt.StatusCode);
        using var me = await client.CallAsync("/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await client.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        owner.Dispose();
    }

    [Theory]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    public async Task A_client_revoking_its_token_at_the_revocation_endpoint_ends_the_whole_grant(string which)
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "signing-out@example.test");

        using var revoked = await client.RevokeAsync(which == "refresh_token" ? tokens.RefreshToken! : tokens.AccessToken, which);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await AssertEndedAsync(client, tokens);
        using var page = await browser.GetAsync("/Manage/ConnectedApps");
        Assert.DoesNotContain("Test CLI", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        browser.Dispose();
    }

    [Fact]
    public async Task A_replayed_refresh_token_ends_the_whole_grant_including_the_access_token_its_first_use_returned()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, first) = await ConnectAsync(app, "stolen@example.test");
        browser.Dispose();
        OAuthClient.Tokens second;
        using (var rotated = await client.RefreshAsync(first.RefreshToken!))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            second = await OAuthClient.Tokens.ReadAsync(rotated);
        }

        using (var me = await client.CallAsync("/api/v1/me", second.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // Whoever presents the first refresh token again, thief or owner, shows that two parties hold the grant.
        using var replayed = await client.RefreshAsync(first.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        await AssertEndedAsync(client, second);
    }

    [Fact]
    public async Task A_client_cannot_revoke_a_token_issued_to_another_client()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "victim@example.test");
        browser.Dispose();
        var stranger = await OAuthClient.RegisterAsync(app, name: "Stranger");

        // RFC 7009 answers 200 whatever happened, so that a caller learns nothing about tokens that are not its own.
        using var attempt = await stranger.RevokeAsync(tokens.RefreshToken!, "refresh_token");

        Assert.Equal(HttpStatusCode.OK, attempt.StatusCode);
        using var me = await client.CallAsync("/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await client.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task Password_reset_ends_every_grant_of_the_account()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "reset@example.test");
        browser.Dispose();

        await WithAccountAsync(app, "reset@example.test", async (users, user) =>
        {
            var code = await users.GeneratePasswordResetTokenAsync(user);
            Assert.True((await users.ResetPasswordAsync(user, code, "a brand new passphrase 42")).Succeeded);
        });

        await AssertEndedAsync(client, tokens);
    }

    [Fact]
    public async Task Password_change_ends_every_grant_of_the_account()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "change@example.test");
        browser.Dispose();

        await WithAccountAsync(app, "change@example.test", async (users, user) =>
            Assert.True((await users.ChangePasswordAsync(user, Accounts.Password, "a brand new passphrase 42")).Succeeded));

        await AssertEndedAsync(client, tokens);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Two_factor_turned_on_or_off_ends_every_grant_of_the_account(bool enabled)
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var email = $"twofactor-{enabled}@example.test";
        var (client, browser, tokens) = await ConnectAsync(app, email);
        browser.Dispose();
        if (!enabled)
        {
            // Start from "on", set in the store directly so that only the change under test goes through the user manager.
            await using var setup = app.App.Services.CreateAsyncScope();
            var store = setup.ServiceProvider.GetRequiredService<EngineeringFramework.Server.Identity.Store.IdentityStoreDbContext>();
            var account = store.Users.Single(u => u.Email == email);
            account.TwoFactorEnabled = true;
            await store.SaveChangesAsync(Cancel);
        }

        await WithAccountAsync(app, email, async (users, user) =>
            Assert.True((await users.SetTwoFactorEnabledAsync(user, enabled)).Succeeded));

        await AssertEndedAsync(client, tokens);
    }

    [Fact]
    public async Task Lockout_by_failed_attempts_ends_every_grant_of_the_account()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "locked@example.test");
        browser.Dispose();

        await WithAccountAsync(app, "locked@example.test", async (users, user) =>
        {
            while (!await users.IsLockedOutAsync(user))
            {
                await users.AccessFailedAsync(user);
            }
        });

        await AssertEndedAsync(client, tokens);
    }

    [Fact]
    public async Task A_failed_attempt_short_of_lockout_ends_nothing()
    {
        await using var app = await TestApp.StartAsync(listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "typo@example.test");
        browser.Dispose();

        await WithAccountAsync(app, "typo@example.test", async (users, user) => await users.AccessFailedAsync(user));

        using var me = await client.CallAsync("/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await client.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task The_mcp_surface_refuses_an_access_token_of_a_revoked_grant_too()
    {
        await using var app = await TestApp.StartAsync(configure: AudienceProbeEndpoints.AddTo, listenOnPublicUrl: true);
        var (client, browser, tokens) = await ConnectAsync(app, "agent-owner@example.test", mcp: true);
        browser.Dispose();

        await WithAccountAsync(app, "agent-owner@example.test", async (users, user) =>
            Assert.True((await users.ChangePasswordAsync(user, Accounts.Password, "a brand new passphrase 42")).Succeeded));

        using var probe = await client.CallAsync(AudienceProbeEndpoints.McpProbe, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
        using var refreshed = await client.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
    }

    [Fact]
    public async Task Another_instance_refuses_a_revoked_grants_access_token_within_the_recheck_window()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(
            listenOnPublicUrl: true,
            configure: b => b.Services.AddSingleton(sp => new GrantStanding(sp.GetRequiredService<IServiceScopeFactory>(), clock)));
        var (client, browser, tokens) = await ConnectAsync(app, "elsewhere@example.test");
        browser.Dispose();
        using (var first = await client.CallAsync("/api/v1/me", tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // Revoked in the store only, as another instance would: this instance is not told.
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var subject = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken).Subject;
            Assert.True(await authorizations.RevokeBySubjectAsync(subject, Cancel) > 0);
        }

        using (var stale = await client.CallAsync("/api/v1/me", tokens.AccessToken))
        {
            // The remembered verdict still stands inside the window: that is the stated price of not asking every time.
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        }

        clock.Advance(GrantStanding.Recheck + TimeSpan.FromSeconds(1));
        using var after = await client.CallAsync("/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>A person signed in, with a client they approved for the REST API holding an access and a refresh token.</summary>
    internal static async Task<(OAuthClient Client, BrowserSession Browser, OAuthClient.Tokens Tokens)> ConnectAsync(TestApp app, string email, bool mcp = false)
    {
        var audiences = app.App.Services.GetRequiredService<Audiences>();
        var client = await OAuthClient.RegisterAsync(app);
        var browser = await ConsentTests.SignedInAsync(app, email);
        var code = await client.AuthorizeAndApproveAsync(browser, mcp ? audiences.Mcp : audiences.Api);
        var tokens = await client.RedeemForTokensAsync(code);
        using var me = await client.CallAsync(mcp ? AudienceProbeEndpoints.McpProbe : "/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.NotNull(tokens.RefreshToken);
        return (client, browser, tokens);
    }

    internal static async Task AssertEndedAsync(OAuthClient client, OAuthClient.Tokens tokens)
    {
        using var me = await client.CallAsync("/api/v1/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var refreshed = await client.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Contains("invalid_grant", await refreshed.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static async Task WithAccountAsync(TestApp app, string email, Func<UserManager<IdentityUser>, IdentityUser, Task> action)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        await action(users, (await users.FindByEmailAsync(email))!);
    }
}
