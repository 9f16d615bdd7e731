using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Frameworks;

public sealed class SystemFrameworkApiTests : IAsyncLifetime
{
    private TestApp app = null!;
    private HttpClient sam = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        sam = app.ApiClientFor("sam", "sam@example.com");
        await sam.GetAsync("/api/v1/me", Cancel);
        await using var scope = app.App.Services.CreateAsyncScope();
        await new SuperAdmins(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<RelationshipWriter>()).GrantAsync("sam@example.com", Cancel);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Export_then_import_gives_the_same_version_hash()
    {
        var before = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);
        var export = await sam.GetAsync("/api/v1/system/framework/export", Cancel);
        var zip = await export.Content.ReadAsByteArrayAsync(Cancel);

        var import = await sam.PostAsync("/api/v1/system/framework/import", new ByteArrayContent(zip) { Headers = { ContentType = new("application/zip") } }, Cancel);
        var after = await import.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(before.GetProperty("contentHash").GetString(), after.GetProperty("contentHash").GetString());
        Assert.Equal(before.GetProperty("versionId").GetString(), after.GetProperty("versionId").GetString());
    }

    [Fact]
    public async Task Editing_an_item_makes_a_new_current_version_that_new_projects_would_copy()
    {
        var before = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);
        var slug = before.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0].GetProperty("slug").GetString();

        var response = await sam.PutAsJsonAsync($"/api/v1/system/framework/items/{slug}", new { name = "Charter signed by the sponsor", optional = false, definitionMarkdown = "# Charter\n\n## What it means\nA signed charter.\n" }, Cancel);
        var after = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before.GetProperty("contentHash").GetString(), after.GetProperty("contentHash").GetString());
        Assert.Equal("edit", after.GetProperty("source").GetString());
        Assert.Equal("Charter signed by the sponsor", after.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Category_and_subcategory_are_renamed_and_a_blank_name_is_refused_by_location()
    {
        var renamed = await sam.PutAsJsonAsync("/api/v1/system/framework/categories/foundation", new { name = "Foundations", description = "Why and who." }, Cancel);
        var sub = await sam.PutAsJsonAsync("/api/v1/system/framework/categories/foundation/subcategories/governance", new { name = "Steering", description = (string?)null }, Cancel);
        var blank = await sam.PutAsJsonAsync("/api/v1/system/framework/categories/foundation", new { name = "", description = (string?)null }, Cancel);
        var current = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);
        var foundation = current.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("slug").GetString() == "foundation");

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sub.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.True((await blank.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("errors").TryGetProperty("categories[0].name", out _));
        Assert.Equal("Foundations", foundation.GetProperty("name").GetString());
        Assert.Contains(foundation.GetProperty("subcategories").EnumerateArray(), s => s.GetProperty("name").GetString() == "Steering");
    }

    [Theory]
    [InlineData("/api/v1/system/framework/categories/foundation", """{"description":null}""", "name")]
    [InlineData("/api/v1/system/framework/categories/foundation/subcategories/governance", "{}", "name")]
    [InlineData("/api/v1/system/framework/items/project-charter-approved", """{"optional":true}""", "name")]
    [InlineData("/api/v1/system/framework/templates/threat-model", """{"name":"Threat model"}""", "markdown")]
    public async Task An_edit_without_its_name_or_template_text_is_a_400_naming_the_field_and_nothing_changes(string path, string body, string field)
    {
        var before = await sam.GetStringAsync("/api/v1/system/framework", Cancel);

        using var response = await sam.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Cancel);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, await sam.GetStringAsync("/api/v1/system/framework", Cancel));
    }

    [Fact]
    public async Task Invalid_archive_is_a_400_listing_each_problem_with_its_location_and_nothing_changes()
    {
        var before = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("framework.yml");
            await using var writer = new StreamWriter(entry.Open(), Encoding.UTF8);
            await writer.WriteAsync("categories:\n  - name: \"\"\n    slug: \"Bad Slug\"\n    order: 1\n    subcategories: []\ntemplates: []\n");
        }

        var response = await sam.PostAsync("/api/v1/system/framework/import", new ByteArrayContent(zip.ToArray()) { Headers = { ContentType = new("application/zip") } }, Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var after = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("categories[0].slug", out _), problem.GetRawText());
        Assert.True(problem.GetProperty("errors").TryGetProperty("categories[0].name", out _), problem.GetRawText());
        Assert.Equal(before.GetProperty("contentHash").GetString(), after.GetProperty("contentHash").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/v1/system/framework")]
    [InlineData("GET", "/api/v1/system/framework/export")]
    [InlineData("POST", "/api/v1/system/framework/import")]
    [InlineData("PUT", "/api/v1/system/framework/items/project-charter-approved")]
    [InlineData("PUT", "/api/v1/system/framework/templates/threat-model")]
    [InlineData("PUT", "/api/v1/system/framework/categories/foundation")]
    [InlineData("PUT", "/api/v1/system/framework/categories/foundation/subcategories/governance")]
    public async Task Anyone_but_a_super_admin_gets_404_on_every_management_route(string method, string path)
    {
        // An organization admin is still not a system super-admin.
        var ada = app.ApiClientFor("ada");
        await ada.PostAsJsonAsync("/api/v1/organizations", new { name = "Acme" }, Cancel);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = method == "POST"
                ? new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new("application/zip") } }
                : JsonContent.Create(new { name = "x", optional = false, definitionMarkdown = "x", markdown = "x" });
        }

        var response = await ada.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var current = await sam.GetFromJsonAsync<JsonElement>("/api/v1/system/framework", Cancel);
        Assert.NotEqual("x", current.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0].GetProperty("name").GetString());
    }
}
