using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// Service accounts in the web app: an admin creates one with a role template and an expiry, makes a token whose secret is
/// shown in that one answer (and works on the API), never again on a reload, and revokes it; a plain member is refused,
/// another organization finds nothing.
/// </summary>
public sealed partial class ServiceAccountsPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_creates_an_account_sees_its_token_once_and_revokes_it()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "sa-page-admin@example.test", "Acme");
        using var _ = admin;
        var path = $"/orgs/{orgId}/service-accounts";

        Assert.Contains($"href=\"{path}\"", (await admin.GetAsync($"/orgs/{orgId}/settings")).Html, StringComparison.Ordinal);
        using var create = await admin.SubmitAsync(path, "create-service-account", new()
        {
            ["Create.Name"] = "Nightly CI",
            ["Create.RoleTemplateId"] = string.Empty,
            ["Create.ExpiresOn"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var accountId = await SingleAsync(app, orgId);
        var listed = await admin.GetAsync(path);
        PageSafetyTests.AssertSafe(path, listed);
        Assert.Contains("<h2 id=\"account-" + accountId + "\">Nightly CI</h2>", listed.Html, StringComparison.Ordinal);

        using var tokenResponse = await admin.PostAsync(path, listed.Form($"token-{accountId}"), new() { ["Change.Name"] = "github-actions" });
        var shown = await Page.ReadAsync(tokenResponse);
        var secret = Secret().Match(shown.Html).Groups[1].Value;
        var api = app.ClientWithToken(secret);
        var me = await api.GetAsync("/api/v1/me", Cancel);
        var reloaded = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, shown.Status);
        Assert.StartsWith("efsa_", secret, StringComparison.Ordinal);
        Assert.Contains("no-store", tokenResponse.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.DoesNotContain(secret, reloaded.Html, StringComparison.Ordinal);
        Assert.Contains(secret[..12], reloaded.Html, StringComparison.Ordinal);

        var tokenId = await TokenAsync(app, orgId);
        using var revoke = await admin.PostAsync(path, reloaded.Form($"revoke-{tokenId}"), []);
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me", Cancel)).StatusCode);
        Assert.Contains("Revoked", (await admin.GetAsync(path)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_is_refused_an_outsider_finds_nothing_and_a_bad_expiry_names_the_field()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "sa-page-owner@example.test", "Acme");
        using var _ = admin;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "sa-page-member@example.test");
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "sa-page-outsider@example.test", "Evil");
        using var __ = outsider;
        var path = $"/orgs/{orgId}/service-accounts";

        var refused = await member.GetAsync(path);
        var hidden = await outsider.GetAsync(path);
        using var tooLate = await admin.SubmitAsync(path, "create-service-account", new()
        {
            ["Create.Name"] = "Forever",
            ["Create.ExpiresOn"] = DateTime.UtcNow.AddYears(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        var answer = await Page.ReadAsync(tooLate);

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.DoesNotContain("create-service-account", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("id=\"account-expiry-error\"", answer.Html, StringComparison.Ordinal);
        await using var scope = app.App.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().ServiceAccounts.BypassTenantFilter().CountAsync(Cancel));
    }

    private static async Task<Guid> SingleAsync(TestApp app, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ServiceAccounts.BypassTenantFilter().Where(a => a.OrganizationId == orgId).Select(a => a.Id).SingleAsync(Cancel);
    }

    private static async Task<Guid> TokenAsync(TestApp app, Guid orgId)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ServiceAccountTokens.BypassTenantFilter().Where(t => t.OrganizationId == orgId).Select(t => t.Id).SingleAsync(Cancel);
    }

    [GeneratedRegex("<code id=\"new-token\">([^<]+)</code>")]
    private static partial Regex Secret();
}
