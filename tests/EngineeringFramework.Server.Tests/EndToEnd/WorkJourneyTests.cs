using System.Globalization;
using System.Text.RegularExpressions;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A team lead's working session in a real Chromium, through the pages by their labels and roles: confirming the account
/// from the development mail page, departments renamed and deleted, a project edited, moved, archived, reopened and
/// deleted, a member's role changed and the member removed, an invitation revoked, an overdue item cleared from My work,
/// the header's search, and both exports downloaded and read.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed partial class WorkJourneyTests
{
    private const string Email = "team-lead@example.test";

    [Fact]
    public async Task A_team_lead_confirms_by_development_mail_then_runs_departments_projects_members_my_work_search_and_exports()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "work");
        SetDefaultExpectTimeout(30_000);

        await chromium.WalkAsync(() => WalkAsync(app, chromium));

        chromium.AssertNoContentSecurityPolicyReports();
    }

    private static async Task WalkAsync(TestApp app, HeadlessChromium chromium)
    {
        var page = chromium.Page;

        // Sign up; the confirmation screen points to the development mail page, whose link confirms the address.
        await page.GotoAsync("/Account/SignUp");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("Password (at least 12 characters)", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByLabel("Repeat the password", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check your email");
        await page.GetByRole(AriaRole.Link, new() { Name = "development mail" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Development mail", Level = 1 })).ToBeVisibleAsync();
        await chromium.ScreenshotAsync("development-mail");
        // The link is the one the page lists; the test server's public address has no fixed port (it is picked at start),
        // so the browser follows the link's path on the address it is on.
        var confirm = new Uri(await page.Locator("a[href*='/Account/ConfirmEmail']").First.GetAttributeAsync("href") ?? string.Empty);
        await page.GotoAsync(confirm.PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your address is confirmed");
        await page.GetByRole(AriaRole.Status).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await BrowserAccounts.SubmitSignInAsync(page, Email);
        var org = await BrowserSteps.CreateOrganizationAsync(page, "Lead Co");

        // Two departments; the second renamed.
        var platform = await BrowserSteps.CreateDepartmentAsync(page, org, "Platform");
        var payments = await BrowserSteps.CreateDepartmentAsync(page, org, "Payments");
        var rename = page.GetByRole(AriaRole.Region, new() { Name = "Rename or describe" });
        await rename.GetByLabel("Department name").FillAsync("Billing");
        await rename.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing", Level = 1 })).ToBeVisibleAsync();
        await chromium.ScreenshotAsync("department-renamed");

        // A project in Platform: edited, then moved to Billing, archived and reopened.
        await page.GotoAsync(platform);
        var project = await BrowserSteps.CreateProjectAsync(page, "Checkout revamp");
        await page.GetByLabel("Project name").FillAsync("Checkout v2");
        await page.GetByLabel("Project description").FillAsync("The second attempt at a faster checkout.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout v2", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Target department").SelectOptionAsync(new SelectOptionValue { Label = "Billing" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Move project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" })).ToContainTextAsync("Billing");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Archived" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Definition).Filter(new() { HasText = "Archived" })).ToBeVisibleAsync();
        await Expect(page.Locator("form.status-form")).ToHaveCountAsync(0);
        await chromium.ScreenshotAsync("project-archived");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Active" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save project" }).ClickAsync();
        // The status forms are back (inside the closed categories, so counted rather than seen).
        await Expect(page.Locator("form.status-form")).Not.ToHaveCountAsync(0);

        // An item assigned to me, overdue: the header counts it, My work lists it, and its status is set from there.
        await page.Locator("details.category summary").First.ClickAsync();
        var item = page.Locator("a.item-name").First;
        var itemName = await item.InnerTextAsync();
        await item.ClickAsync();
        await page.GetByLabel("Assignee").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.GetByLabel("Due date").FillAsync(DateTime.UtcNow.AddDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var myWork = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^My work") });
        await Expect(myWork).ToContainTextAsync("1 overdue");
        await myWork.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overdue (1)", Level = 2 })).ToBeVisibleAsync();
        await chromium.ScreenshotAsync("my-work-overdue");
        var entry = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = itemName, Exact = true }) });
        await entry.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Done" });
        await entry.GetByRole(AriaRole.Button, new() { Name = $"Save status of {itemName}" }).ClickAsync();
        await Expect(page.GetByText("Nothing here")).ToBeVisibleAsync();
        await Expect(myWork).Not.ToContainTextAsync("overdue");

        // The header's search finds the project by a word of its description.
        await page.GetByRole(AriaRole.Banner).GetByLabel("Search this organization").FillAsync("attem");
        await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Search", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("mark").First).ToHaveTextAsync("attempt");
        await chromium.ScreenshotAsync("search");
        await page.GetByRole(AriaRole.Link, new() { Name = "Checkout v2" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout v2", Level = 1 })).ToBeVisibleAsync();

        // Both exports, downloaded and read.
        var csv = await DownloadAsync(page, "Download CSV");
        var lines = csv.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("category,subcategory,item slug,item name", lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains(lines.Skip(1), l => l.Contains(itemName, StringComparison.Ordinal) && l.Contains("Done", StringComparison.Ordinal));
        var markdown = await DownloadAsync(page, "Download Markdown");
        Assert.StartsWith("# Checklist: Checkout v2", markdown, StringComparison.Ordinal);
        Assert.Contains(itemName, markdown, StringComparison.Ordinal);

        // Members: a colleague made admin, then removed; an invitation sent, then revoked.
        await app.AddMemberAsync(org, "colleague");
        await page.GotoAsync($"/orgs/{org}/members");
        await page.GetByLabel("Role of colleague").SelectOptionAsync("Admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change role of colleague" }).ClickAsync();
        await Expect(page.GetByLabel("Role of colleague")).ToHaveValueAsync("Admin");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "colleague@example.com" });
        await row.GetByRole(AriaRole.Checkbox, new() { Name = "Confirm removing colleague" }).CheckAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Remove colleague" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "colleague@example.com" })).ToHaveCountAsync(0);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("invitee@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "invitee@example.test" })).ToBeVisibleAsync();
        await chromium.ScreenshotAsync("members");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the invitation to invitee@example.test" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "invitee@example.test" })).ToHaveCountAsync(0);

        // Billing deleted, its project moved to Platform; then the project deleted by typing its name.
        await page.GotoAsync(payments);
        await page.GetByLabel("Department to move the projects to").SelectOptionAsync(new SelectOptionValue { Label = "Platform" });
        await page.GetByLabel("Type the department's name").FillAsync("Billing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete department" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Departments", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Billing" })).ToHaveCountAsync(0);
        await page.GotoAsync(project);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" })).ToContainTextAsync("Platform");
        await page.GetByLabel("Type the project's name").FillAsync("Checkout v2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Platform", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("No projects in this department yet.")).ToBeVisibleAsync();
        await chromium.ScreenshotAsync("project-deleted");
    }

    private static async Task<string> DownloadAsync(IPage page, string link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path!, TestContext.Current.CancellationToken);
    }
}
