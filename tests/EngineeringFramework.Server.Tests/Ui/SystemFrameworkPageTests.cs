using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// The System section: a super-admin (with no organization of their own) browses the system framework, edits its
/// categories, subcategories, items and templates with a preview, exports and imports the archive; to everyone else
/// every page and download is the app's 404 and every post changes nothing.
/// </summary>
public sealed class SystemFrameworkPageTests : IAsyncLifetime
{
    private const string Root = "/system/framework";
    private const string ItemPath = "/system/framework/items/project-charter-approved";
    private const string TemplatePath = "/system/framework/templates/threat-model";
    private const string CategoryPath = "/system/framework/categories/foundation";
    private const string SubcategoryPath = "/system/framework/categories/foundation/subcategories/governance";

    private static readonly string[] Pages = [Root, ItemPath, TemplatePath, CategoryPath, SubcategoryPath];

    private TestApp app = null!;
    private UiBrowser sam = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        sam = await UiSteps.SuperAdminAsync(app, "sam@example.test");
    }

    public async ValueTask DisposeAsync()
    {
        sam.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_super_admin_without_an_organization_browses_the_framework_from_the_System_link()
    {
        var onboarding = await sam.GetAsync("/onboarding");
        var page = await sam.GetAsync(Root);

        Assert.Contains("<a href=\"/system/framework\">System</a>", onboarding.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<a href=\"/system/framework\" aria-current=\"page\">System</a>", page.Html, StringComparison.Ordinal);
        Assert.Contains((await CurrentAsync()).Hash, page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{ItemPath}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{TemplatePath}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{CategoryPath}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{SubcategoryPath}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{SystemExport}\"", page.Html, StringComparison.Ordinal);
        foreach (var path in Pages)
        {
            Assert.Equal(HttpStatusCode.OK, (await sam.GetAsync(path)).Status);
        }
    }

    [Fact]
    public async Task A_super_admin_previews_an_item_then_saves_it_and_a_project_created_afterwards_copies_it()
    {
        var before = await CurrentAsync();
        const string Definition = "# Charter\n\n- [x] Signed by the sponsor\n\n<script>alert(1)</script>";

        using var previewed = await sam.SubmitAsync(ItemPath, "edit-item", new()
        {
            ["Input.Name"] = "Charter signed by the sponsor",
            ["Input.Definition"] = Definition,
            ["Input.Action"] = "preview",
        });
        var preview = await Page.ReadAsync(previewed);

        // The posted text is shown again and rendered through the sanitizing renderer, and nothing is saved.
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("id=\"item-preview-heading\"", preview.Html, StringComparison.Ordinal);
        Assert.Contains("<h1>Charter</h1>", preview.Html, StringComparison.Ordinal);
        Assert.Contains("criterion-met", preview.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"Charter signed by the sponsor\"", preview.Html, StringComparison.Ordinal);
        Assert.Empty(preview.ScriptsOtherThanTheAppsFiles());
        Assert.Equal(before, await CurrentAsync());

        using var saved = await sam.SubmitAsync(ItemPath, "edit-item", new()
        {
            ["Input.Name"] = "Charter signed by the sponsor",
            ["Input.Optional"] = "true",
            ["Input.Definition"] = Definition,
            ["Input.Action"] = "save",
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(ItemPath + "?saved=true", Page.LocalPath(saved.Headers.Location));
        var after = await CurrentAsync();
        Assert.NotEqual(before.Hash, after.Hash);
        Assert.Equal(before.Versions + 1, after.Versions);
        var page = await sam.GetAsync(ItemPath);
        Assert.Contains("<h1>Charter signed by the sponsor</h1>", page.Html, StringComparison.Ordinal);
        Assert.Matches("id=\"item-optional\"[^>]*checked", page.Html);

        // The super-admin starts an organization: its first project copies the edited framework.
        using var created = await sam.SubmitAsync("/onboarding", "create-organization", new() { ["Create.Name"] = "Sam's org" });
        var orgId = Guid.Parse(Page.LocalPath(created.Headers.Location)!["/orgs/".Length..]);
        var department = await UiSteps.CreateDepartmentAsync(sam, orgId, "Platform");
        var project = await UiSteps.CreateProjectAsync(sam, orgId, department, "Launch");
        Assert.Contains(">Charter signed by the sponsor</a>", (await sam.GetAsync($"/orgs/{orgId}/projects/{project}")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_super_admin_edits_a_category_a_subcategory_and_a_template()
    {
        using var category = await sam.SubmitAsync(CategoryPath, "edit-group", new() { ["Input.Name"] = "Foundations", ["Input.Description"] = "Why and who." });
        using var subcategory = await sam.SubmitAsync(SubcategoryPath, "edit-group", new() { ["Input.Name"] = "Steering", ["Input.Description"] = "Who decides." });
        using var previewed = await sam.SubmitAsync(TemplatePath, "edit-template", new() { ["Input.Name"] = "Threat model (STRIDE)", ["Input.Markdown"] = "## Assets\n\n| Asset | Owner |\n|---|---|\n| DB | Ops |\n", ["Input.Action"] = "preview" });
        var versionsAfterPreview = (await CurrentAsync()).Versions;
        using var template = await sam.SubmitAsync(TemplatePath, "edit-template", new() { ["Input.Name"] = "Threat model (STRIDE)", ["Input.Markdown"] = "## Assets\n", ["Input.Action"] = "save" });

        Assert.Equal(HttpStatusCode.Redirect, category.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, subcategory.StatusCode);
        Assert.Contains("<table>", (await Page.ReadAsync(previewed)).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, template.StatusCode);
        Assert.Equal(versionsAfterPreview + 1, (await CurrentAsync()).Versions);
        Assert.Contains("<h1>Foundations</h1>", (await sam.GetAsync(CategoryPath)).Html, StringComparison.Ordinal);
        Assert.Contains(">Why and who.</textarea>", (await sam.GetAsync(CategoryPath)).Html, StringComparison.Ordinal);
        var steering = await sam.GetAsync(SubcategoryPath);
        Assert.Contains("<h1>Steering</h1>", steering.Html, StringComparison.Ordinal);
        Assert.Contains(">Who decides.</textarea>", steering.Html, StringComparison.Ordinal);
        var threat = await sam.GetAsync(TemplatePath);
        Assert.Contains("<h1>Threat model (STRIDE)</h1>", threat.Html, StringComparison.Ordinal);
        Assert.Contains(">## Assets&#xA;</textarea>", threat.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ItemPath, "edit-item", "item-name")]
    [InlineData(TemplatePath, "edit-template", "template-name")]
    [InlineData(CategoryPath, "edit-group", "group-name")]
    [InlineData(SubcategoryPath, "edit-group", "group-name")]
    public async Task A_blank_name_is_refused_next_to_the_field_and_nothing_changes(string path, string form, string input)
    {
        var before = await CurrentAsync();

        using var refused = await sam.SubmitAsync(path, form, new() { ["Input.Name"] = "  ", ["Input.Markdown"] = "## Scope\n", ["Input.Action"] = "save" });
        var page = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Matches($"id=\"{input}\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"{input}-error\"", page.Html);
        Assert.Contains($"<p class=\"field-error\" id=\"{input}-error\">", page.Html, StringComparison.Ordinal);
        Assert.Equal(before, await CurrentAsync());
    }

    [Fact]
    public async Task A_template_text_the_parser_refuses_at_its_file_is_shown_next_to_the_textarea()
    {
        var before = await CurrentAsync();

        // Over the framework's 256 KB limit for a markdown file: the parser names templates/threat-model.md.
        using var refused = await sam.SubmitAsync(TemplatePath, "edit-template", new() { ["Input.Name"] = "Threat model", ["Input.Markdown"] = new string('a', 300 * 1024), ["Input.Action"] = "save" });
        var page = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Matches("id=\"template-markdown\"[^>]*aria-invalid=\"true\"", page.Html);
        Assert.Contains("<p class=\"field-error\" id=\"template-markdown-error\">", page.Html, StringComparison.Ordinal);
        Assert.Equal(before, await CurrentAsync());
    }

    [Fact]
    public async Task The_export_downloads_a_zip_that_imports_back_to_the_same_version()
    {
        var before = await CurrentAsync();
        using var download = await sam.Session.GetAsync(SystemExport);
        var zip = await download.Content.ReadAsByteArrayAsync(Cancel);

        using var imported = await ImportAsync(sam, await sam.GetAsync(Root), zip, "framework.zip");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"framework-{before.Hash[..12]}.zip", download.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        Assert.Equal(before, await CurrentAsync());
    }

    [Fact]
    public async Task A_broken_archive_is_refused_listing_each_problem_with_its_location_and_nothing_changes()
    {
        var before = await CurrentAsync();

        using var refused = await ImportAsync(sam, await sam.GetAsync(Root), BrokenArchive(), "broken.zip");
        var page = await Page.ReadAsync(refused);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("<code>categories[0].slug</code>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<code>categories[0].name</code>", page.Html, StringComparison.Ordinal);
        Assert.Matches("id=\"framework-archive\"[^>]*aria-invalid=\"true\"", page.Html);
        Assert.Contains("id=\"framework-archive-error\"", page.Html, StringComparison.Ordinal);
        Assert.Equal(before, await CurrentAsync());
    }

    [Fact]
    public async Task An_archive_over_the_servers_usual_body_limit_still_reaches_the_parser()
    {
        // The host allows 1 MB bodies; the import keeps the API's 25 MB. Random bytes do not compress, so the zip is over 1 MB.
        var before = await CurrentAsync();
        var filler = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(filler);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var yml = archive.CreateEntry("framework.yml").Open())
            {
                await yml.WriteAsync(Encoding.UTF8.GetBytes("categories:\n  - name: \"\"\n    slug: \"Bad Slug\"\n    order: 1\n    subcategories: []\ntemplates: []\n"), Cancel);
            }

            await using var big = archive.CreateEntry("definitions/big.md", CompressionLevel.NoCompression).Open();
            await big.WriteAsync(filler, Cancel);
        }

        using var refused = await ImportAsync(sam, await sam.GetAsync(Root), zip.ToArray(), "big.zip");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("class=\"framework-errors\"", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(before, await CurrentAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Anyone_else_gets_404_on_every_page_and_the_download_and_their_posts_change_nothing(bool withOrganization)
    {
        // An organization's admin is nothing in the system; nor is someone signed in without an organization.
        var outsider = withOrganization
            ? (await UiBrowser.WithOrganizationAsync(app, "org-admin@example.test", "Acme")).Browser
            : await UiBrowser.SignUpAsync(app, "nobody@example.test");
        using var _ = outsider;
        var token = (await outsider.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];
        var forms = new Dictionary<string, (string Path, Dictionary<string, string> Hidden, Dictionary<string, string> Fields)>
        {
            ["item"] = (ItemPath, new((await sam.GetAsync(ItemPath)).Form("edit-item")), new() { ["Input.Name"] = "Taken over", ["Input.Definition"] = "x", ["Input.Action"] = "save" }),
            ["template"] = (TemplatePath, new((await sam.GetAsync(TemplatePath)).Form("edit-template")), new() { ["Input.Name"] = "Taken over", ["Input.Markdown"] = "x", ["Input.Action"] = "save" }),
            ["category"] = (CategoryPath, new((await sam.GetAsync(CategoryPath)).Form("edit-group")), new() { ["Input.Name"] = "Taken over" }),
            ["subcategory"] = (SubcategoryPath, new((await sam.GetAsync(SubcategoryPath)).Form("edit-group")), new() { ["Input.Name"] = "Taken over" }),
        };
        var rootPage = await sam.GetAsync(Root);
        using var download = await sam.Session.GetAsync(SystemExport);
        var zip = await download.Content.ReadAsByteArrayAsync(Cancel);
        using var edit = await sam.SubmitAsync(CategoryPath, "edit-group", new() { ["Input.Name"] = "Foundations by sam" });
        var before = await CurrentAsync();
        var state = await app.SnapshotAsync();

        foreach (var path in Pages.Append(Root + "/items/no-such-item").Append(Root + "/templates/Not%20A%20Slug"))
        {
            var page = await outsider.GetAsync(path);
            Assert.True(page.Status == HttpStatusCode.NotFound, $"{path}: {page.Status}");
            Assert.Contains("<h1>Not found</h1>", page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("Foundations by sam", page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"/system/framework\"", page.Html, StringComparison.Ordinal);
        }

        using var theirDownload = await outsider.Session.GetAsync(SystemExport);
        Assert.Equal(HttpStatusCode.NotFound, theirDownload.StatusCode);
        Assert.NotEqual("application/zip", theirDownload.Content.Headers.ContentType?.MediaType);

        foreach (var (name, (path, hidden, fields)) in forms)
        {
            hidden["__RequestVerificationToken"] = token;
            using var posted = await outsider.PostAsync(path, hidden, fields);
            // The page is not found for them, so it renders no form of that name either: Blazor refuses the post (400).
            Assert.True(posted.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{name}: {posted.StatusCode}");
        }

        var import = new Dictionary<string, string>(rootPage.Form("import-framework")) { ["__RequestVerificationToken"] = token };
        using var imported = await PostArchiveAsync(outsider, import, BrokenArchive(), "broken.zip");
        using var reimported = await PostArchiveAsync(outsider, import, zip, "framework.zip");
        Assert.True(imported.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, imported.StatusCode.ToString());
        Assert.True(reimported.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, reimported.StatusCode.ToString());

        Assert.Equal(before, await CurrentAsync());
        Assert.Equal(state, await app.SnapshotAsync());
        Assert.DoesNotContain("href=\"/system/framework\"", (await outsider.GetAsync("/onboarding")).Html, StringComparison.Ordinal);
        if (withOrganization)
        {
            var dashboard = await outsider.GetAsync(Page.LocalPath(new Uri((await outsider.GetAsync("/")).Location!, UriKind.RelativeOrAbsolute))!);
            Assert.Equal(HttpStatusCode.OK, dashboard.Status);
            Assert.Contains("aria-label=\"Main\"", dashboard.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"/system/framework\"", dashboard.Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_live_preview_renders_what_is_typed_for_a_super_admin_with_the_pages_token_and_saves_nothing()
    {
        var page = await sam.GetAsync(ItemPath);
        var token = page.Form("edit-item")["__RequestVerificationToken"];
        var before = await CurrentAsync();

        // The page wires its definition field to the preview and loads the one script that keeps it current.
        Assert.Contains($"data-preview-url=\"{PreviewPath}\" data-preview-target=\"item-preview\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/js/markdown-preview.js\" defer></script>", page.Html, StringComparison.Ordinal);
        using var script = await app.Client.GetAsync(new Uri("/js/markdown-preview.js", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        using var rendered = await PreviewAsync(sam, token, "## Done when\n\n- [ ] reviewed\n\n<script>alert(1)</script>");
        var html = await rendered.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        Assert.Equal("text/html", rendered.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h2>Done when</h2>", html, StringComparison.Ordinal);
        Assert.Contains("criterion", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // Longer than a framework file may hold: refused, naming the field.
        using var refused = await PreviewAsync(sam, token, new string('a', 256 * 1024 + 1));
        var problem = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(JsonDocument.Parse(problem).RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty("markdown", out _), problem);

        // A NUL is refused by ASP.NET Core's form reading before the endpoint runs: still a problem document, never a 500.
        using var nul = await PreviewAsync(sam, token, "a NUL \0 inside");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal("application/problem+json", nul.Content.Headers.ContentType?.MediaType);

        using var withoutToken = await PreviewAsync(sam, token: null, "# Hello");
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(before, await CurrentAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_live_preview_is_not_there_for_anyone_else(bool withOrganization)
    {
        var outsider = withOrganization
            ? (await UiBrowser.WithOrganizationAsync(app, "org-admin@example.test", "Acme")).Browser
            : await UiBrowser.SignUpAsync(app, "nobody@example.test");
        using var _ = outsider;
        var token = (await outsider.GetAsync("/onboarding")).Form("create-organization")["__RequestVerificationToken"];

        using var refused = await PreviewAsync(outsider, token, "# Hello");

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("Hello", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private const string PreviewPath = "/system/framework/preview";

    private static async Task<HttpResponseMessage> PreviewAsync(UiBrowser browser, string? token, string markdown)
    {
        var fields = new Dictionary<string, string> { ["markdown"] = markdown };
        if (token is not null)
        {
            fields["__RequestVerificationToken"] = token;
        }

        // As the page's script sends it: fetch asks for anything (*/*), so an error is a problem document, not the app's error page.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(PreviewPath, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.ParseAdd("*/*");
        return await browser.Session.Client.SendAsync(request, Cancel);
    }

    private const string SystemExport = "/system/framework/export.zip";

    /// <summary>The system framework as stored: how many versions it has had, and the current one's hash.</summary>
    private async Task<(int Versions, string Hash)> CurrentAsync()
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var versions = db.FrameworkVersions.AsNoTracking().Where(v => v.OrganizationId == null);
        return (await versions.CountAsync(Cancel), await versions.Where(v => v.IsCurrent).Select(v => v.ContentHash).SingleAsync(Cancel));
    }

    private static Task<HttpResponseMessage> ImportAsync(UiBrowser browser, Page page, byte[] archive, string fileName)
        => PostArchiveAsync(browser, page.Form("import-framework"), archive, fileName);

    /// <summary>Posts the import form as a browser does: multipart, its hidden fields, the file.</summary>
    private static async Task<HttpResponseMessage> PostArchiveAsync(UiBrowser browser, IReadOnlyDictionary<string, string> hidden, byte[] archive, string fileName)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in hidden)
        {
            content.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(archive);
        file.Headers.ContentType = new("application/zip");
        content.Add(file, "Import.Archive", fileName);
        return await browser.Session.Client.PostAsync(new Uri(Root, UriKind.Relative), content, Cancel);
    }

    /// <summary>A framework.yml with a blank category name and a slug with spaces.</summary>
    private static byte[] BrokenArchive()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("framework.yml").Open(), Encoding.UTF8);
            writer.Write("categories:\n  - name: \"\"\n    slug: \"Bad Slug\"\n    order: 1\n    subcategories: []\ntemplates: []\n");
        }

        return zip.ToArray();
    }
}
