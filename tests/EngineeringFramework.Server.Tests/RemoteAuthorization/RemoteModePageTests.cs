using System.Net;
using EngineeringFramework.Server.Tests.Ui;

namespace EngineeringFramework.Server.Tests.RemoteAuthorization;

public sealed class RemoteModePageTests
{
    [Fact]
    public async Task With_OpenFGA_stopped_a_page_says_it_is_temporarily_unavailable_and_shows_nothing()
    {
        await using var remote = await RemoteMode.StartAsync();
        var (browser, orgId) = await UiBrowser.WithOrganizationAsync(remote.App, "lead@example.test", "Acme");
        using var _ = browser;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/orgs/{orgId}")).Status);

        await remote.OpenFga.StopAsync(TestContext.Current.CancellationToken);
        var page = await browser.GetAsync($"/orgs/{orgId}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
        Assert.Contains("Temporarily unavailable", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Acme", page.Html, StringComparison.Ordinal);
    }
}
