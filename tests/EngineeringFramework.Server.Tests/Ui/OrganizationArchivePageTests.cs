using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// The organization archive in the web app: an admin downloads it from the settings page, and anyone signed in imports
/// one on the onboarding page as a new organization of their own; the same use cases as the REST export and import.
/// </summary>
public sealed partial class OrganizationArchivePageTests
{
    private const string Onboarding = "/onboarding";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_downloads_the_archive_from_settings_and_importing_it_on_onboarding_makes_a_second_organization_with_the_same_projects()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId, _) = await UiSteps.ProjectAsync(app, "archivist@example.test");
        using var browser = admin;
        var download = ArchivePath(orgId);

        var settings = await admin.GetAsync($"/orgs/{orgId}/settings");
        using var response = await admin.Session.GetAsync(download);
        var json = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Contains($"href=\"{download}\" download>Download organization archive (JSON)</a>", settings.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(ArchiveFileName(), response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? string.Empty);
        var archive = JsonNode.Parse(json)!;
        Assert.Equal("engineering-framework.organization", archive["format"]!.GetValue<string>());
        Assert.Equal("Org of archivist@example.test", archive["organization"]!["name"]!.GetValue<string>());
        Assert.Equal("Checkout revamp", archive["projects"]![0]!["name"]!.GetValue<string>());

        using var imported = await ImportAsync(admin, Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        var dashboardPath = Page.LocalPath(imported.Headers.Location)!;
        var newOrg = Guid.Parse(OrgPath().Match(dashboardPath).Groups[1].Value);
        Assert.NotEqual(orgId, newOrg);
        var original = await admin.GetAsync($"/orgs/{orgId}");
        var copy = await admin.GetAsync(dashboardPath);
        Assert.Equal(HttpStatusCode.OK, copy.Status);
        Assert.Contains("<span class=\"org-name\">Org of archivist@example.test</span>", copy.Html, StringComparison.Ordinal);
        Assert.Equal(ProjectNames(original), ProjectNames(copy));
        Assert.Equal(["Checkout revamp"], ProjectNames(copy));

        // The importer is the new organization's admin: its settings page offers the archive of the copy.
        Assert.Contains($"href=\"{ArchivePath(newOrg)}\" download>", (await admin.GetAsync($"/orgs/{newOrg}/settings")).Html, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BrokenArchives => new()
    {
        { "not json", "$" },
        { "wrong version", "version" },
        { "dangling department", "projects[0].departmentId" },
        { "blank department name", "departments[0].name" },
    };

    [Theory]
    [MemberData(nameof(BrokenArchives))]
    public async Task A_broken_archive_is_refused_next_to_the_field_naming_where_and_nothing_is_written(string breakage, string location)
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId, _) = await UiSteps.ProjectAsync(app, "breaker@example.test");
        using var browser = admin;
        var archive = JsonNode.Parse(await admin.Session.Client.GetStringAsync(new Uri(ArchivePath(orgId), UriKind.Relative), Cancel))!;
        var body = breakage switch
        {
            "not json" => "This is a shopping list, not an archive.",
            "wrong version" => With(archive, a => a["version"] = 2),
            "dangling department" => With(archive, a => a["projects"]![0]!["departmentId"] = Guid.NewGuid().ToString()),
            _ => With(archive, a => a["departments"]![0]!["name"] = "   "),
        };
        var before = await app.SnapshotAsync();

        using var response = await ImportAsync(admin, Encoding.UTF8.GetBytes(body));
        var page = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Matches("id=\"organization-archive\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"organization-archive-error\"", page.Html);
        Assert.Contains("id=\"organization-archive-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("nothing was created", page.Html, StringComparison.Ordinal);
        Assert.Contains($"<code>{location}</code>", page.Html, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    /// <summary>
    /// The import keeps the REST import's 32 MB (the host allows 1 MB bodies): a broken archive padded past 1 MB still reaches
    /// the use case, and a file one byte over 32 MB is refused next to the field, with nothing written either way.
    /// </summary>
    [Fact]
    public async Task An_archive_over_the_usual_body_limit_reaches_the_use_case_and_one_over_32_MB_is_refused_next_to_the_field()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId, _) = await UiSteps.ProjectAsync(app, "heavy@example.test");
        using var browser = admin;
        var archive = JsonNode.Parse(await admin.Session.Client.GetStringAsync(new Uri(ArchivePath(orgId), UriKind.Relative), Cancel))!;
        var broken = With(archive, a => a["version"] = 2);
        var before = await app.SnapshotAsync();

        using var padded = await ImportAsync(admin, Padded(broken, 2 * 1024 * 1024));
        var refused = await Page.ReadAsync(padded);
        using var oversized = await ImportAsync(admin, Padded(broken, Core.OrganizationArchives.OrganizationArchiveLimits.MaxBytes + 1));
        var tooLarge = await Page.ReadAsync(oversized);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("<code>version</code>", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.Status);
        Assert.Contains("The archive is larger than 32 MB.", tooLarge.Html, StringComparison.Ordinal);
        Assert.Matches("id=\"organization-archive\"[^>]*aria-invalid=\"true\"", tooLarge.Html);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task Posting_the_import_form_without_a_file_is_refused_next_to_the_field()
    {
        await using var app = await TestApp.StartAsync();
        using var newcomer = await UiBrowser.SignUpAsync(app, "empty-handed@example.test");
        var before = await app.SnapshotAsync();

        using var response = await ImportAsync(newcomer, []);
        var page = await Page.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("Choose an organization archive (a JSON file) to import.", page.Html, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task A_plain_member_sees_no_export_link_and_is_refused_the_download()
    {
        await using var app = await TestApp.StartAsync();
        var (admin, orgId) = await UiBrowser.WithOrganizationAsync(app, "archive-owner@example.test", "Acme");
        using var _ = admin;
        using var member = await UiSteps.JoinAsync(app, admin, orgId, "archive-member@example.test");

        var settings = await member.GetAsync($"/orgs/{orgId}/settings");
        var dashboard = await member.GetAsync($"/orgs/{orgId}");
        using var refused = await member.Session.GetAsync(ArchivePath(orgId));

        Assert.DoesNotContain("organization-archive.json", settings.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("organization-archive.json", dashboard.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(refused.Content.Headers.ContentDisposition);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("\"format\"", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_admin_gets_404_for_the_archive()
    {
        await using var app = await TestApp.StartAsync();
        var (owner, orgId) = await UiBrowser.WithOrganizationAsync(app, "archive-holder@example.test", "Acme");
        var (stranger, strangerOrg) = await UiBrowser.WithOrganizationAsync(app, "archive-stranger@example.test", "Evil");
        using var _ = owner;
        using var __ = stranger;

        using var theirs = await stranger.Session.GetAsync(ArchivePath(orgId));
        using var own = await stranger.Session.GetAsync(ArchivePath(strangerOrg));

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Null(theirs.Content.Headers.ContentDisposition);
        Assert.Equal("text/html", theirs.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    private static string ArchivePath(Guid orgId) => $"/orgs/{orgId}/organization-archive.json";

    /// <summary>Posts the onboarding page's import form as a browser does: multipart, its hidden fields, the file.</summary>
    private static async Task<HttpResponseMessage> ImportAsync(UiBrowser browser, byte[] archive)
    {
        var page = await browser.GetAsync(Onboarding);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in page.Form("import-organization"))
        {
            content.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(archive);
        file.Headers.ContentType = new("application/json");
        content.Add(file, "ImportArchive.Archive", "organization.json");
        return await browser.Session.Client.PostAsync(new Uri(Onboarding, UriKind.Relative), content, Cancel);
    }

    private static string With(JsonNode archive, Action<JsonNode> change)
    {
        var copy = archive.DeepClone();
        change(copy);
        return copy.ToJsonString();
    }

    /// <summary>The JSON with spaces before its closing brace, to exactly <paramref name="size"/> bytes: the same archive, a larger file.</summary>
    private static byte[] Padded(string json, long size)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var padded = new byte[size];
        var end = Array.LastIndexOf(bytes, (byte)'}');
        Array.Copy(bytes, padded, end);
        Array.Fill(padded, (byte)' ', end, (int)(size - bytes.Length));
        Array.Copy(bytes, end, padded, size - (bytes.Length - end), bytes.Length - end);
        return padded;
    }

    private static List<string> ProjectNames(Page dashboard)
        => [.. ProjectHeading().Matches(dashboard.Html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("^/orgs/([0-9a-f-]{36})$")]
    private static partial Regex OrgPath();

    [GeneratedRegex("<h3><a href=\"/orgs/[0-9a-f-]{36}/projects/[0-9a-f-]{36}\">([^<]*)</a></h3>")]
    private static partial Regex ProjectHeading();

    [GeneratedRegex(@"^organization-[a-z0-9-]+-\d{8}-\d{6}\.json$")]
    private static partial Regex ArchiveFileName();
}
