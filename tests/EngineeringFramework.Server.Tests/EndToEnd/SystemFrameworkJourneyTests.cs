using System.Text.RegularExpressions;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A system super-admin in a real Chromium: from the header's System link to an item, whose definition is previewed live
/// while it is typed (nothing saved until "Save item"), then a template the same way; a project created afterwards
/// copies the edited item, and its checklist prints without the app's chrome.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed partial class SystemFrameworkJourneyTests
{
    private const string Email = "framework-keeper@example.test";

    [Fact]
    public async Task A_super_admin_edits_an_item_and_a_template_with_a_live_preview_and_a_new_projects_checklist_copies_and_prints_it()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "system");
        SetDefaultExpectTimeout(30_000);

        await chromium.WalkAsync(() => WalkAsync(app, chromium));

        chromium.AssertNoContentSecurityPolicyReports();
    }

    private static async Task WalkAsync(TestApp app, HeadlessChromium chromium)
    {
        var page = chromium.Page;
        await BrowserAccounts.CreateConfirmedAsync(app, Email);
        await BrowserAccounts.SignInAsync(page, Email);
        await Ui.UiSteps.GrantSuperAdminAsync(app, Email);

        // From the header to an item's edit page.
        await page.GotoAsync("/onboarding");
        await page.GetByRole(AriaRole.Link, new() { Name = "System", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System framework", Level = 1 })).ToBeVisibleAsync();
        await page.Locator("a[href='/system/framework/items/project-charter-approved']").ClickAsync();
        var versions = await SystemVersionsAsync(app);

        // Typing updates the preview with no button pressed, through the same renderer as every page, and saves nothing.
        var preview = page.GetByRole(AriaRole.Region, new() { Name = "Preview (not saved)" });
        await Expect(preview.GetByRole(AriaRole.Status)).ToHaveTextAsync("As it will be shown once saved.");
        await page.GetByLabel("Definition (markdown)").FillAsync(
            "# Charter signed\n\nThe sponsor agreed to the scope.\n\n## Done when\n\n- [ ] The sponsor signed it\n\n| Who | When |\n|---|---|\n| Sponsor | Kick-off |\n\n<script>alert('typed')</script>");
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Name = "Charter signed", Level = 1, Exact = true })).ToBeVisibleAsync();
        await Expect(preview.GetByRole(AriaRole.Table)).ToContainTextAsync("Kick-off");
        await Expect(preview.GetByRole(AriaRole.Status)).ToHaveTextAsync("Preview updated as you type.");
        await Expect(preview).ToContainTextAsync("<script>alert('typed')</script>");
        Assert.Equal(0, await preview.Locator("script").CountAsync());
        Assert.Equal(versions, await SystemVersionsAsync(app));
        await chromium.ScreenshotAsync("item-live-preview");

        await page.GetByLabel("Item name").FillAsync("Charter signed by the sponsor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save item" }).ClickAsync();
        await Expect(page.GetByText("Saved as a new version of the system framework.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Charter signed by the sponsor", Level = 1, Exact = true })).ToBeVisibleAsync();
        Assert.Equal(versions + 1, await SystemVersionsAsync(app));

        // A template: cleared text says so in the preview, new text shows at once, and saving keeps it.
        await page.GotoAsync("/system/framework/templates/threat-model");
        var templatePreview = page.GetByRole(AriaRole.Region, new() { Name = "Preview (not saved)" });
        var text = page.GetByLabel("Template text (markdown)");
        await text.FillAsync(string.Empty);
        await Expect(templatePreview.GetByRole(AriaRole.Status)).ToHaveTextAsync("Nothing to preview.");
        await text.FillAsync("## Assets\n\n## Threats and mitigations\n");
        await Expect(templatePreview.GetByRole(AriaRole.Heading, new() { Name = "Threats and mitigations", Level = 2 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
        await Expect(page.GetByText("Saved as a new version of the system framework.")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Template text (markdown)")).ToHaveValueAsync(new Regex("^## Assets"));
        Assert.Equal(versions + 2, await SystemVersionsAsync(app));

        // A project created now copies the edited item.
        await page.GotoAsync("/onboarding");
        var org = await BrowserSteps.CreateOrganizationAsync(page, "Keeper Co");
        await BrowserSteps.CreateDepartmentAsync(page, org, "Platform");
        await BrowserSteps.CreateProjectAsync(page, "Launch");
        // The checklist opens with its categories folded, so the edited item is there but not shown.
        var item = page.Locator("a.item-name", new() { HasTextString = "Charter signed by the sponsor" });
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToBeHiddenAsync();

        // Printed, the checklist unfolds every category and keeps items and statuses, without header, navigation and forms.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(item).ToBeVisibleAsync();
        await Expect(page.Locator(".item .status").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Launch", Level = 1, Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("nav[aria-label='Main']")).ToBeHiddenAsync();
        await Expect(page.Locator("form").First).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" })).ToBeHiddenAsync();
        var pdf = await page.PdfAsync(new() { Path = Path.Combine(HeadlessChromium.ScreenshotFolder, $"{HeadlessChromium.RunName}-system-checklist-print.pdf") });
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await Expect(page.Locator("nav[aria-label='Main']")).ToBeVisibleAsync();
        await Expect(item).ToBeHiddenAsync();

        // Two items of the category ticked and set Done together; the ticks sit beside the items, outside the form they belong to.
        var category = page.Locator("details.category", new() { Has = item });
        await category.Locator("summary").ClickAsync();
        var ticks = category.Locator("input.bulk-tick");
        await ticks.Nth(0).CheckAsync();
        await ticks.Nth(1).CheckAsync();
        await page.GetByLabel("New status for the ticked items").SelectOptionAsync(new SelectOptionValue { Label = "Done" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply to the ticked items" }).ClickAsync();
        await Expect(page.GetByText("2 item(s) changed together.")).ToBeVisibleAsync();
        await category.Locator("summary").ClickAsync();
        await Expect(category.Locator(".item .status").Nth(0)).ToHaveTextAsync("Done");
        await Expect(category.Locator(".item .status").Nth(1)).ToHaveTextAsync("Done");
        await Expect(category.Locator(".item .status").Nth(2)).Not.ToHaveTextAsync("Done");
        await item.ClickAsync();
        await Expect(page.GetByText("The sponsor agreed to the scope.")).ToBeVisibleAsync();
    }

    /// <summary>How many versions the system framework has had; each save adds one.</summary>
    private static async Task<int> SystemVersionsAsync(TestApp app)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.FrameworkVersions.AsNoTracking().CountAsync(v => v.OrganizationId == null, TestContext.Current.CancellationToken);
    }
}
