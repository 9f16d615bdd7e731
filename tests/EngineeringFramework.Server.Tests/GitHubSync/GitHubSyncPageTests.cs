using System.Net;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Tests.Ui;

namespace EngineeringFramework.Server.Tests.GitHubSync;

public sealed class GitHubSyncPageTests(GitHubSyncServer server) : IClassFixture<GitHubSyncServer>
{
    [Fact]
    public async Task An_admin_connects_the_repository_syncs_and_the_token_never_comes_back_in_a_page()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(server.App, $"gh-{suffix}@example.test", "Acme " + suffix);
        using var _ = admin;
        await server.SetPlanAsync(orgId, Plan.Pro);
        var owner = "ui-" + suffix;
        server.GitHub.Push(owner, "standards", "main", Testing.SyncFixtures.Framework(items: 10, templates: 2));
        var path = $"/orgs/{orgId}/settings/github";
        var token = server.GitHub.Token;
        var pages = new List<string>();

        using var refused = await admin.SubmitAsync(path, "configure-github", new() { ["Connection.Owner"] = owner, ["Connection.Repository"] = "standards", ["Connection.Branch"] = "main", ["Connection.Token"] = "x" + token });
        var refusedPage = await Page.ReadAsync(refused);
        pages.Add(refusedPage.Html);
        Assert.Equal(HttpStatusCode.BadRequest, refusedPage.Status);
        Assert.Contains("id=\"gh-token-error\"", refusedPage.Html, StringComparison.Ordinal);

        using var saved = await admin.SubmitAsync(path, "configure-github", new() { ["Connection.Owner"] = owner, ["Connection.Repository"] = "standards", ["Connection.Branch"] = "main", ["Connection.Token"] = token });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var connected = await admin.GetAsync(Page.LocalPath(saved.Headers.Location)!);
        pages.Add(connected.Html);
        Assert.Contains("A token is stored", connected.Html, StringComparison.Ordinal);
        Assert.Contains("changing the owner, repository or branch requires entering a token again", connected.Html, StringComparison.Ordinal);

        using var moved = await admin.SubmitAsync(path, "configure-github", new() { ["Connection.Owner"] = owner, ["Connection.Repository"] = "standards", ["Connection.Branch"] = "release", ["Connection.Token"] = "" });
        var movedPage = await Page.ReadAsync(moved);
        Assert.Equal(HttpStatusCode.BadRequest, movedPage.Status);
        Assert.Contains("Changing the owner, repository or branch requires entering the token again", movedPage.Html, StringComparison.Ordinal);
        Assert.Contains($"/webhooks/github/{orgId}", connected.Html, StringComparison.Ordinal);

        using var queued = await admin.SubmitAsync(path, "sync-github", []);
        Assert.Equal(HttpStatusCode.Redirect, queued.StatusCode);
        var shown = await admin.GetAsync(path + "?secret=show");
        pages.Add(shown.Html);
        Assert.Contains("id=\"webhook-secret\"", shown.Html, StringComparison.Ordinal);

        Assert.All(pages, html => Assert.DoesNotContain(token, html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Free_organization_sees_what_the_plan_unlocks_and_no_form()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(server.App, $"free-{suffix}@example.test", "Free " + suffix);
        using var _ = admin;

        var page = await admin.GetAsync($"/orgs/{orgId}/settings/github");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Available on the Pro and Enterprise plans", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("configure-github", page.Html, StringComparison.Ordinal);
    }
}
