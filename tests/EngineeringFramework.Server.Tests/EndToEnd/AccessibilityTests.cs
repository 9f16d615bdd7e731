using System.Net;
using EngineeringFramework.Core.Data;
using System.Text.Json;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// Every page of the product, checked in a real Chromium by axe-core (the npm package, injected into each page) at a
/// desktop width and at 375 pixels: no violation of serious or critical impact, and a screenshot of each page at each
/// width in the end-to-end artifacts. The pages are filled with the data a working organization has.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed partial class AccessibilityTests
{
    private const string Email = "a11y-admin@example.test";

    /// <summary>The axe-core script, installed by <c>npm ci</c> in <c>.ci/axe</c> (as <c>.ci/run</c> does).</summary>
    private static string AxeScript()
    {
        var path = Repository.InRepository(".ci", "axe", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
        {
            Prerequisite.Missing($"The accessibility test needs axe-core at {path}: run 'npm ci' in .ci/axe (.ci/run does).");
        }

        return File.ReadAllText(path);
    }

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_accessibility_violation_at_desktop_and_375_pixel_widths()
    {
        // The pages are the same whichever database is behind them: checked once, in the SQLite pass, which keeps CI's
        // PostgreSQL pass two minutes shorter.
        if (TestDatabase.DefaultProvider == DatabaseProvider.Postgres)
        {
            Assert.Skip("Accessibility is checked in the SQLite pass: the pages do not depend on the database.");
        }

        HeadlessChromium.RequireExecutable();
        var axe = AxeScript();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "a11y");
        await chromium.AddScriptToEveryPageAsync(axe);
        var page = chromium.Page;
        SetDefaultExpectTimeout(30_000);
        var violations = new List<string>();

        await chromium.WalkAsync(async () =>
        {
            // Pages before signing in.
            string[] anonymous = ["/Account/SignIn", "/Account/SignUp", "/Account/ForgotPassword", "/security", "/Account/DevelopmentMail", "/no-such-page"];
            foreach (var path in anonymous)
            {
                violations.AddRange(await CheckAsync(chromium, path, Name(path)));
            }

            // An organization with a department, a project worked on, an invitation and a role template, made through its pages.
            await BrowserAccounts.CreateConfirmedAsync(app, Email);
            await BrowserAccounts.SignInAsync(page, Email);
            await page.GetByLabel("Organization name").FillAsync("Accessible Co");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            var org = OrganizationId().Match(page.Url).Groups[1].Value;
            await page.GotoAsync($"/orgs/{org}/departments");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Platform");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create department" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Platform", Level = 1 })).ToBeVisibleAsync();
            var department = new Uri(page.Url).AbsolutePath;
            var newProject = page.GetByRole(AriaRole.Region, new() { Name = "New project" });
            await newProject.GetByLabel("Name", new() { Exact = true }).FillAsync("Checkout revamp");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout revamp", Level = 1 })).ToBeVisibleAsync();
            var project = new Uri(page.Url).AbsolutePath;
            var item = await page.Locator("a.item-name").First.GetAttributeAsync("href");
            await page.GotoAsync($"/orgs/{org}/members");
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync("invitee@example.test");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Expect(page.GetByText("invitee@example.test").First).ToBeVisibleAsync();

            // The same person is also a system super-admin, so the System pages are checked too.
            await Ui.UiSteps.GrantSuperAdminAsync(app, Email);

            string[] signedIn =
            [
                "/onboarding",
                $"/orgs/{org}",
                $"/orgs/{org}/departments",
                department,
                project,
                item!,
                $"/orgs/{org}/my-work",
                $"/orgs/{org}/search?q=charter",
                $"/orgs/{org}/framework/threat-model-completed",
                $"/orgs/{org}/members",
                $"/orgs/{org}/role-templates",
                $"/orgs/{org}/role-templates/drift",
                $"/orgs/{org}/settings",
                $"/orgs/{org}/settings/github",
                "/Manage",
                "/Manage/ChangePassword",
                "/Manage/ChangeEmail",
                "/Manage/TwoFactor",
                "/Manage/ConnectedApps",
                "/Manage/DeleteAccount",
                $"/orgs/{org}/projects/{Guid.NewGuid()}",
                "/system/framework",
                "/system/framework/categories/foundation",
                "/system/framework/categories/foundation/subcategories/governance",
                "/system/framework/items/project-charter-approved",
                "/system/framework/templates/project-charter",
            ];
            foreach (var path in signedIn)
            {
                violations.AddRange(await CheckAsync(chromium, path, Name(path)));
            }
        });

        Assert.True(violations.Count == 0, "Serious or critical accessibility violations:\n" + string.Join('\n', violations));
    }

    /// <summary>Opens the page at each width, screenshots it and runs axe; answers each serious or critical violation as one line.</summary>
    private static async Task<IReadOnlyList<string>> CheckAsync(HeadlessChromium chromium, string path, string name)
    {
        var page = chromium.Page;
        var found = new List<string>();
        foreach (var (width, height, label) in new[] { (1280, 900, "desktop"), (375, 812, "375") })
        {
            await page.SetViewportSizeAsync(width, height);
            var response = await page.GotoAsync(path);
            Assert.NotNull(response);
            Assert.True(response.Status is (int)HttpStatusCode.OK or (int)HttpStatusCode.NotFound, $"{path}: {response.Status}");
            await chromium.ScreenshotAsync($"{name}-{label}");
            var result = await page.EvaluateAsync<JsonElement>(RunAxe);
            foreach (var violation in result.EnumerateArray())
            {
                found.Add($"{path} ({label}): {violation.GetProperty("id").GetString()} [{violation.GetProperty("impact").GetString()}] {violation.GetProperty("help").GetString()} at {violation.GetProperty("targets").GetString()}");
            }
        }

        return found;
    }

    /// <summary>axe's WCAG 2.x A and AA rules and its best practices; only serious and critical findings come back.</summary>
    private const string RunAxe = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ') }));
        }
        """;

    private static string Name(string path)
    {
        var name = GuidPattern().Replace(path.Split('?')[0].Trim('/'), "id").Replace('/', '-');
        return name.Length == 0 ? "home" : name;
    }

    [GeneratedRegex("/orgs/([0-9a-f-]{36})")]
    private static partial Regex OrganizationId();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
