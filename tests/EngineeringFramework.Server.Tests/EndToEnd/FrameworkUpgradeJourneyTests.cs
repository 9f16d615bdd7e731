using EngineeringFramework.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A project lead in a real Chromium: the system framework changes under a running project (one item added, one
/// removed, one definition rewritten), the project page says so, the lead reviews the upgrade and applies it, and the
/// checklist then holds the new item, keeps the removed one as retired, and no longer offers an upgrade.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed class FrameworkUpgradeJourneyTests
{
    private const string Email = "upgrade-lead@example.test";

    [Fact]
    public async Task A_project_sees_the_update_banner_previews_the_upgrade_and_applies_it()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "upgrade");
        SetDefaultExpectTimeout(30_000);

        await chromium.WalkAsync(() => WalkAsync(app, chromium));

        chromium.AssertNoContentSecurityPolicyReports();
    }

    private static async Task WalkAsync(TestApp app, HeadlessChromium chromium)
    {
        var page = chromium.Page;
        await BrowserAccounts.CreateConfirmedAsync(app, Email);
        await BrowserAccounts.SignInAsync(page, Email);
        await page.GotoAsync("/onboarding");
        var org = await BrowserSteps.CreateOrganizationAsync(page, "Upgrade Co");
        await BrowserSteps.CreateDepartmentAsync(page, org, "Platform");
        var project = await BrowserSteps.CreateProjectAsync(page, "Launch");
        var banner = page.GetByText("A newer framework version is available");
        await Expect(banner).ToHaveCountAsync(0);

        // A super-admin changes the system framework while the project runs.
        await SystemFrameworkEdit.ImportAsync(app, without: "kickoff-held", rewrite: "project-charter-approved", add: "brand-new-check", addName: "A brand new check");

        await page.ReloadAsync();
        await Expect(banner).ToContainTextAsync("+1, \u22121, ~1");
        await chromium.ScreenshotAsync("project-upgrade-banner");
        await page.GetByRole(AriaRole.Link, new() { Name = "Review the upgrade" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Framework upgrade: Launch", Level = 1 })).ToBeVisibleAsync();
        var plan = page.GetByRole(AriaRole.Table, new() { Name = "What the upgrade does to each item" });
        await Expect(plan.GetByRole(AriaRole.Row, new() { Name = "A brand new check" })).ToContainTextAsync("Added");
        await Expect(plan.GetByRole(AriaRole.Row, new() { Name = "Kickoff held with a shared plan" })).ToContainTextAsync("Retired");
        await chromium.ScreenshotAsync("project-upgrade-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply upgrade" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"{project}\\?upgraded="));
        await Expect(page.GetByText("The checklist was upgraded to framework version 2.")).ToBeVisibleAsync();
        await Expect(banner).ToHaveCountAsync(0);
        await Expect(page.Locator("a.item-name", new() { HasTextString = "A brand new check" })).ToHaveCountAsync(1);
        var retired = page.Locator(".item", new() { Has = page.Locator("a.item-name", new() { HasTextString = "Kickoff held with a shared plan" }) });
        await Expect(retired.Locator(".tag-retired")).ToHaveCountAsync(1);
        await Expect(retired.Locator("select")).ToHaveCountAsync(0);
        await chromium.ScreenshotAsync("project-upgraded");
    }
}
