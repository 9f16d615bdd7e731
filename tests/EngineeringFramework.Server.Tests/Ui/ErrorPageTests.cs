using System.Net;
using System.Net.Http.Headers;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// A browser that asks for something that is not there, or whose request fails, gets an HTML page in the product's layout
/// with a way back, never plain text or a JSON document; programs (the REST API, MCP, anything not asking for HTML) keep
/// their problem documents.
/// </summary>
public sealed class ErrorPageTests : IAsyncLifetime
{
    private TestApp app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => app = await TestApp.StartAsync(configure: ProbeEndpoints.AddTo);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/orgs/not-a-guid")]
    [InlineData("/orgs/not-a-guid/departments")]
    [InlineData("/orgs/00000000-0000-0000-0000-000000000000/projects/%E2%98%83")]
    public async Task An_unknown_address_or_a_malformed_id_is_a_404_page_in_the_products_layout(string path)
    {
        var (browser, _) = await UiBrowser.WithOrganizationAsync(app, $"lost-{Guid.NewGuid():N}@example.test", "Acme");
        using var _browser = browser;

        var page = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        AssertProductPage(page.Html, "Not found");
        Assert.Contains("Sign out", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_a_500_page_with_a_reference_and_nothing_internal()
    {
        await using var production = await TestApp.StartAsync("Production", configure: ProbeEndpoints.AddTo);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/probe/throw");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var response = await production.Client.SendAsync(request, Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertProductPage(html, "Something went wrong");
        Assert.Contains("quote the reference", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ProbeEndpoints.SecretExceptionText, html, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/organizations/not-a-guid", "text/html")]
    [InlineData("/api/v1/no-such-route", "text/html,*/*;q=0.8")]
    [InlineData("/no-such-page", "application/json")]
    [InlineData("/probe/throw", "*/*")]
    public async Task Programs_keep_their_problem_documents_whatever_they_accept(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Clear();
        foreach (var type in accept.Split(','))
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(type));
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.MintToken("program", "program@example.test", app.App.Services.GetRequiredService<EngineeringFramework.Server.Identity.Audiences>().Api));

        using var response = await app.Client.SendAsync(request, Cancel);

        Assert.True((int)response.StatusCode >= 400, $"{path}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_signed_out_browser_is_sent_to_sign_in_rather_than_told_what_exists()
    {
        using var session = new Identity.Support.BrowserSession(app.BaseAddress);

        using var response = await session.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/SignIn", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private static void AssertProductPage(string html, string heading)
    {
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"/css/app.css\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"app-header\"", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">Go to your dashboard</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/security\"", html, StringComparison.Ordinal);
    }
}
