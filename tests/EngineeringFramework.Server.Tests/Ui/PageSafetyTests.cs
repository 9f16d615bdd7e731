using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>The UI keeps to the host's CSP: no inline script or style anywhere, every asset local and anonymous.</summary>
public sealed partial class PageSafetyTests
{
    [Fact]
    public async Task Pages_carry_the_csp_and_contain_no_inline_script_or_style()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "careful@example.test");
        using var _ = browser;
        var project = await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}");
        var item = UiSteps.ItemIds(project)[0];

        // An agent's Done awaiting confirmation, with a rationale that tries to add script, so the project page,
        // the item page and My work show the request and its forms.
        await UiSteps.AgentSetsAsync(app, "careful@example.test", orgId, projectId, item, Core.Checklists.ChecklistItemStatus.Done,
            "Signed **by the sponsor**.\n\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>");
        var departments = await browser.GetAsync($"/orgs/{orgId}/departments");
        var departmentId = DepartmentLink().Match(departments.Html).Groups[1].Value;
        var roles = $"/orgs/{orgId}/role-templates";
        using var role = await browser.PostFieldsAsync(roles, (await browser.GetAsync(roles)).Form("create-role-template"), [new("Input.Name", "Reviewers"), new("Permissions", "update_checklists")]);

        // A super-admin as well, so the System pages render their content (with a preview of markdown that tries to add script and style).
        await UiSteps.GrantSuperAdminAsync(app, "careful@example.test");
        using var preview = await browser.SubmitAsync("/system/framework/items/project-charter-approved", "edit-item", new()
        {
            ["Input.Name"] = "Charter",
            ["Input.Definition"] = "# Charter\n\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n- [ ] signed",
            ["Input.Action"] = "preview",
        });
        var previewed = await Page.ReadAsync(preview);
        Assert.Equal(HttpStatusCode.OK, previewed.Status);
        AssertSafe("item preview", previewed);

        // A second framework version (a super-admin's edit of an item's definition), so the versions, comparison and upgrade pages show content.
        using var edit = await browser.SubmitAsync("/system/framework/items/project-charter-approved", "edit-item", new()
        {
            ["Input.Name"] = "Charter",
            ["Input.Definition"] = "# Charter\n\nSigned by the sponsor.\n",
            ["Input.Action"] = "save",
        });
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        var versions = VersionId().Matches((await browser.GetAsync($"/orgs/{orgId}/framework/versions")).Html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, versions.Count);

        string[] paths =
        [
            "/onboarding",
            $"/orgs/{orgId}",
            $"/orgs/{orgId}/departments",
            $"/orgs/{orgId}/departments/{departmentId}",
            $"/orgs/{orgId}/projects/{projectId}",
            $"/orgs/{orgId}/projects/{projectId}/items/{item}",
            $"/orgs/{orgId}/projects/{projectId}/activity",
            $"/orgs/{orgId}/projects/{projectId}/upgrade",
            $"/orgs/{orgId}/framework/versions",
            $"/orgs/{orgId}/framework/versions/{versions[^1]}/diff/{versions[0]}",
            $"/orgs/{orgId}/members",
            $"/orgs/{orgId}/my-work",
            $"/orgs/{orgId}/search?q=charter",
            $"/orgs/{orgId}/framework/threat-model-completed",
            $"/orgs/{orgId}/settings",
            $"/orgs/{orgId}/service-accounts",
            roles,
            Page.LocalPath(role.Headers.Location)!,
            $"{roles}/drift",
            $"/orgs/{orgId}/projects/{Guid.NewGuid()}",
            "/security",
            "/system/framework",
            "/system/framework/categories/foundation",
            "/system/framework/categories/foundation/subcategories/governance",
            "/system/framework/items/project-charter-approved",
            "/system/framework/templates/threat-model",
        ];
        Assert.Contains("Awaiting confirmation: Done", (await browser.GetAsync($"/orgs/{orgId}/projects/{projectId}/items/{item}")).Html, StringComparison.Ordinal);
        foreach (var path in paths)
        {
            var page = await browser.GetAsync(path);
            Assert.True(page.Status is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {page.Status}");
            AssertSafe(path, page);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/system/framework")).Status);
    }

    /// <summary>The page's CSP allows only the app's own scripts and styles, and the page uses no other (also used by tests whose pages need a setup of their own).</summary>
    internal static void AssertSafe(string path, Page page)
    {
        Assert.True(page.ContentSecurityPolicy is not null, path);
        Assert.Contains("script-src 'self'", page.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", page.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Empty(page.ScriptsOtherThanTheAppsFiles());
        Assert.DoesNotContain("<style", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleAttribute(), page.Html);
        Assert.DoesNotMatch(EventHandlerAttribute(), page.Html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/css/app.css\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("<main id=\"main\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_and_icon_are_served_locally_without_a_session()
    {
        await using var app = await TestApp.StartAsync();

        using var css = await app.Client.GetAsync(new Uri("/css/app.css", UriKind.Relative), TestContext.Current.CancellationToken);
        using var icon = await app.Client.GetAsync(new Uri("/favicon.svg", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(":focus-visible", await css.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.True(css.Headers.Contains("Content-Security-Policy"));
    }

    [GeneratedRegex("\\sstyle\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("\\son[a-z]+\\s*=\"", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("id=\"version-([0-9a-f-]{36})\"")]
    private static partial Regex VersionId();

    [GeneratedRegex("href=\"/orgs/[0-9a-f-]{36}/departments/([0-9a-f-]{36})\"")]
    private static partial Regex DepartmentLink();
}
