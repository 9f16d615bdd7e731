using System.Net;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// The search page and the header's search box: results link to what they found with the matched words marked, user
/// text stays text, a query without a word is named next to the field, and another organization's search is not found.
/// </summary>
public sealed class SearchPageTests : IAsyncLifetime
{
    private TestApp app = null!;
    private UiBrowser admin = null!;
    private Guid orgId;
    private Guid projectId;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        (admin, orgId, projectId) = await UiSteps.ProjectAsync(app, "search-admin@example.test");
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Results_link_to_the_project_and_the_definition_with_marked_words_and_user_text_encoded()
    {
        using var edited = await admin.SubmitAsync($"/orgs/{orgId}/projects/{projectId}", "edit-project", new()
        {
            ["Edit.Name"] = "Checkout revamp",
            ["Edit.Description"] = "<script>alert(1)</script> the checkout <b>flow</b>",
            ["Edit.Status"] = "Active",
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);

        var page = await admin.GetAsync($"/orgs/{orgId}/search?q=checkout");
        var threat = await admin.GetAsync($"/orgs/{orgId}/search?q=threat+model");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"href=\"/orgs/{orgId}/projects/{projectId}\" class=\"item-name\"><mark>Checkout</mark> revamp</a>", page.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; the <mark>checkout</mark> &lt;b&gt;flow&lt;/b&gt;", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page.Html, StringComparison.Ordinal);
        Assert.Contains("role=\"search\"", page.Html, StringComparison.Ordinal);
        var definitionLink = $"/orgs/{orgId}/framework/threat-model-completed";
        Assert.Contains($"href=\"{definitionLink}\"", threat.Html, StringComparison.Ordinal);
        var definition = await admin.GetAsync(definitionLink);
        Assert.Equal(HttpStatusCode.OK, definition.Status);
        Assert.Contains("<h1>Threat model completed</h1>", definition.Html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"markdown\"><", definition.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("***")]
    [InlineData("")]
    public async Task A_query_without_a_word_is_named_next_to_the_field(string query)
    {
        var page = await admin.GetAsync($"/orgs/{orgId}/search?q={Uri.EscapeDataString(query)}");

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("id=\"search-query-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_search_and_definitions_are_not_found()
    {
        var (outsider, _) = await UiBrowser.WithOrganizationAsync(app, "search-outsider@example.test", "Evil");
        using var _outsider = outsider;

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/orgs/{orgId}/search?q=checkout")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/orgs/{orgId}/framework/threat-model-completed")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/orgs/{orgId}/framework/no-such-item")).Status);
    }
}
