using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Server.Tests.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A person confirms an agent's work in a real Chromium: their agent (through the checklist use case, as the MCP tool calls
/// it) set two items Done under the default sign-off policy; the project page shows both waiting; the person confirms one,
/// which takes Done, and sends the other back with a comment, which keeps its status. Nothing waits afterwards.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed class SignOffJourneyTests
{
    private const string Email = "signoff-lead@example.test";

    [Fact]
    public async Task A_person_confirms_one_agent_request_and_sends_another_back_in_the_browser()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress, "signoff");
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
        var org = await BrowserSteps.CreateOrganizationAsync(page, "Sign-off Co");
        await BrowserSteps.CreateDepartmentAsync(page, org, "Platform");
        var projectPath = await BrowserSteps.CreateProjectAsync(page, "Launch");
        var project = Guid.Parse(projectPath.Split('/')[^1]);
        var ids = await page.Locator("li.item").EvaluateAllAsync<string[]>("items => items.map(i => i.id.substring('item-'.length))");
        var items = page.Locator("li.item a.item-name");
        var confirmName = (await items.Nth(0).TextContentAsync())!.Trim();
        var sendBackName = (await items.Nth(1).TextContentAsync())!.Trim();
        Assert.False(string.IsNullOrEmpty(confirmName) || string.IsNullOrEmpty(sendBackName));

        await UiSteps.AgentSetsAsync(app, Email, org, project, Guid.Parse(ids[0]), ChecklistItemStatus.Done, "The charter is **signed**.");
        await UiSteps.AgentSetsAsync(app, Email, org, project, Guid.Parse(ids[1]), ChecklistItemStatus.Done, "Held last week.");
        await page.ReloadAsync();

        var waiting = page.GetByRole(AriaRole.Region, new() { Name = "Awaiting confirmation" });
        await Expect(waiting.GetByRole(AriaRole.Article)).ToHaveCountAsync(2);
        await Expect(Item(page, ids[0]).GetByText("Awaiting confirmation: Done")).ToHaveCountAsync(1);
        await chromium.ScreenshotAsync("sign-off-queue");

        await waiting.GetByRole(AriaRole.Button, new() { Name = $"Confirm Done for {confirmName}" }).ClickAsync();
        await Expect(page.GetByText("The agent's request was confirmed; the item took its status.")).ToBeVisibleAsync();
        await Expect(Item(page, ids[0]).GetByText("Awaiting confirmation: Done")).ToHaveCountAsync(0);
        await Expect(Item(page, ids[0]).Locator("select").First).ToHaveValueAsync("Done");

        var request = waiting.GetByRole(AriaRole.Article);
        await Expect(request).ToHaveCountAsync(1);
        await request.GetByLabel("What the agent should do instead").FillAsync("Attach the meeting notes first.");
        await request.GetByRole(AriaRole.Button, new() { Name = $"Send back the request for {sendBackName}" }).ClickAsync();
        await Expect(page.GetByText("The agent's request was sent back with your comment; the item kept its status.")).ToBeVisibleAsync();
        await Expect(Item(page, ids[1]).GetByText("Awaiting confirmation: Done")).ToHaveCountAsync(0);
        await Expect(Item(page, ids[1]).Locator("select").First).ToHaveValueAsync("NotStarted");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Awaiting confirmation" }).GetByRole(AriaRole.Article)).ToHaveCountAsync(0);
        await chromium.ScreenshotAsync("sign-off-decided");
    }

    private static ILocator Item(IPage page, string id) => page.Locator($"#item-{id}");
}
