using System.Net;
using EngineeringFramework.Core.Data;
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
        var axe = Axe.Script();
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
            var org = await BrowserSteps.CreateOrganizationAsync(page, "Accessible Co");
            var department = await BrowserSteps.CreateDepartmentAsync(page, org, "Platform");
            var project = await BrowserSteps.CreateProjectAsync(page, "Checkout revamp");
            var item = await page.Locator("a.item-name").First.GetAttributeAsync("href");

            // One status change, so the item's and the project's history list an entry.
            await page.Locator("details.category summary").First.ClickAsync();
            var firstItem = page.Locator("li.item").First;
            await firstItem.GetByLabel("Status").SelectOptionAsync("InProgress");
            await firstItem.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Save") }).ClickAsync();
            await Expect(page.Locator("li.item").First.Locator(".status")).ToHaveTextAsync("In progress");

            // The person's agent asks for Done on the second item, so the project page, the item page and My work show
            // a request awaiting confirmation with its forms (and the history its entry).
            var second = (await page.Locator("a.item-name").Nth(1).GetAttributeAsync("href"))!;
            await Ui.UiSteps.AgentSetsAsync(app, Email, org, Guid.Parse(project.Split('/')[^1]), Guid.Parse(second.Split('/')[^1]),
                Core.Checklists.ChecklistItemStatus.Done, "The sponsor signed the charter; see the **review notes**.");
            await page.GotoAsync($"/orgs/{org}/members");
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync("invitee@example.test");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Expect(page.GetByText("invitee@example.test").First).ToBeVisibleAsync();

            // The same person is also a system super-admin, so the System pages are checked too.
            await Ui.UiSteps.GrantSuperAdminAsync(app, Email);

            // The built-in framework version, compared with itself (the comparison page's frame and its "no change" text).
            await page.GotoAsync($"/orgs/{org}/framework/versions");
            var version = (await page.Locator("tr[id^='version-']").First.GetAttributeAsync("id"))!["version-".Length..];

            string[] signedIn =
            [
                "/onboarding",
                $"/orgs/{org}",
                $"/orgs/{org}/departments",
                department,
                project,
                item!,
                second,
                project + "/activity",
                project + "/upgrade",
                $"/orgs/{org}/framework/versions",
                $"/orgs/{org}/framework/versions/{version}/diff/{version}",
                $"/orgs/{org}/my-work",
                $"/orgs/{org}/search?q=charter",
                $"/orgs/{org}/framework/threat-model-completed",
                $"/orgs/{org}/members",
                $"/orgs/{org}/role-templates",
                $"/orgs/{org}/role-templates/drift",
                $"/orgs/{org}/settings",
                $"/orgs/{org}/settings/github",
                $"/orgs/{org}/service-accounts",
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

            // The invitation as the invitee opens it from the mail, signed in to their own account.
            var mail = (await Identity.Support.Outbox.MessagesAsync(app)).Single(m => m.Contains("To: invitee@example.test", StringComparison.Ordinal) && m.Contains("/invitations/", StringComparison.Ordinal));
            var invitation = new Uri(InvitationLink().Match(mail).Value).AbsolutePath;
            await page.Context.ClearCookiesAsync();
            await BrowserAccounts.CreateConfirmedAsync(app, "invitee@example.test");
            await BrowserAccounts.SignInAsync(page, "invitee@example.test");
            violations.AddRange(await CheckAsync(chromium, invitation, "invitation"));
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
            found.AddRange(await Axe.SeriousViolationsAsync(page, $"{path} ({label})"));
        }

        return found;
    }

    private static string Name(string path)
    {
        var name = GuidPattern().Replace(path.Split('?')[0].Trim('/'), "id").Replace('/', '-');
        return name.Length == 0 ? "home" : name;
    }

    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_\-]+")]
    private static partial Regex InvitationLink();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
