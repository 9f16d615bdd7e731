using System.Globalization;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>
/// A newcomer's first session in a real headless Chromium against the real server (Kestrel, the database the
/// suite runs on): every step goes through the pages as a person would, by their labels and roles.
/// </summary>
[Collection(nameof(BrowserJourneys))]
public sealed partial class FirstProjectJourneyTests
{
    private const string Email = "newcomer@example.test";
    private const string Project = "Checkout revamp";

    [Fact]
    public async Task New_user_signs_up_starts_a_project_works_its_checklist_and_signs_out()
    {
        HeadlessChromium.RequireExecutable();
        await using var app = await TestApp.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync(app.BaseAddress);
        try
        {
            await WalkAsync(app, chromium);
        }
        catch
        {
            await chromium.SaveFailureAsync();
            throw;
        }
    }

    private static async Task WalkAsync(TestApp app, HeadlessChromium chromium)
    {
        var page = chromium.Page;
        // Upper bound for each expectation to come true (pages render on the server; CI machines are shared).
        SetDefaultExpectTimeout(30_000);

        // Sign up, confirm the address from the development outbox, sign in.
        await page.GotoAsync("/Account/SignUp");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("Password (at least 12 characters)", new() { Exact = true }).FillAsync(Accounts.Password);
        await page.GetByLabel("Repeat the password", new() { Exact = true }).FillAsync(Accounts.Password);
        await chromium.ScreenshotAsync("sign-up");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check your email");
        await chromium.ScreenshotAsync("check-email");

        await page.GotoAsync(await Outbox.LinkToAsync(app, "/Account/ConfirmEmail"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your address is confirmed");
        await chromium.ScreenshotAsync("email-confirmed");
        await page.GetByRole(AriaRole.Status).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Accounts.Password);
        await chromium.ScreenshotAsync("sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // A user without an organization is sent to onboarding and creates one.
        await Expect(page).ToHaveURLAsync(OnboardingUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create an organization" })).ToBeVisibleAsync();
        await page.GetByLabel("Organization name").FillAsync("Acme Rockets");
        await chromium.ScreenshotAsync("onboarding");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(DashboardUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Acme Rockets");
        var dashboardPath = new Uri(page.Url).AbsolutePath;
        await chromium.ScreenshotAsync("dashboard-empty");

        // A department, then a project in it.
        var mainNavigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await mainNavigation.GetByRole(AriaRole.Link, new() { Name = "Departments" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Departments", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Platform");
        await page.GetByLabel("Description").FillAsync("Shared services and tooling.");
        await chromium.ScreenshotAsync("new-department");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create department" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Platform", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("No projects in this department yet.")).ToBeVisibleAsync();
        // The department page also offers its admin the department's own rename form: the project's fields are those of
        // the "New project" section.
        var newProject = page.GetByRole(AriaRole.Region, new() { Name = "New project" });
        await newProject.GetByLabel("Name", new() { Exact = true }).FillAsync(Project);
        await newProject.GetByLabel("Description").FillAsync("A faster checkout.");
        await newProject.GetByLabel("Target date").FillAsync("2027-03-31");
        await chromium.ScreenshotAsync("new-project");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();

        // The project's checklist, untouched: nothing complete, every bar at zero.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Project, Level = 1 })).ToBeVisibleAsync();
        var completed = page.GetByRole(AriaRole.Definition).Filter(new() { HasTextRegex = CompletedFact() });
        await Expect(completed).ToHaveTextAsync(CompletedFact());
        var required = Completed(await completed.InnerTextAsync()).Required;
        Assert.True(required >= 2, $"The checklist has {required} required items; the journey needs two.");
        await Expect(completed).ToHaveTextAsync($"0 of {required}");
        var overall = page.GetByRole(AriaRole.Progressbar, new() { Name = "Overall progress", Exact = true });
        var overallBefore = await ValueOf(overall);
        Assert.Equal(0, overallBefore);

        var category = page.Locator("details.category").First;
        var categoryName = await category.Locator(".category-name").InnerTextAsync();
        var categoryProgress = page.GetByRole(AriaRole.Progressbar, new() { Name = $"{categoryName} progress", Exact = true });
        var categoryBefore = await ValueOf(categoryProgress);
        Assert.Equal(0, categoryBefore);
        await category.Locator("summary").ClickAsync();
        var items = category.GetByRole(AriaRole.Listitem);
        var first = await ItemNameAsync(items.Nth(0));
        var second = await ItemNameAsync(items.Nth(1));
        await chromium.ScreenshotAsync("checklist-untouched");

        // Done: one required item more is complete, and both bars move up.
        await Item(page, first).GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Done" });
        await Item(page, first).GetByRole(AriaRole.Button, new() { Name = $"Save status of {first}" }).ClickAsync();

        await Expect(completed).ToHaveTextAsync($"1 of {required}");
        await Expect(Item(page, first).Locator(".status")).ToHaveTextAsync("Done");
        var overallAfterDone = await ValueOf(overall);
        var categoryAfterDone = await ValueOf(categoryProgress);
        Assert.True(overallAfterDone > overallBefore, $"Overall progress went from {overallBefore} to {overallAfterDone}.");
        Assert.True(categoryAfterDone > categoryBefore, $"{categoryName} progress went from {categoryBefore} to {categoryAfterDone}.");
        await chromium.ScreenshotAsync("first-item-done");

        // Not applicable, with its reason: counted as complete too.
        const string reason = "Covered by the platform team's standing charter.";
        await Item(page, second).GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Not applicable" });
        await Item(page, second).GetByLabel("Reason, if not applicable").FillAsync(reason);
        await Item(page, second).GetByRole(AriaRole.Button, new() { Name = $"Save status of {second}" }).ClickAsync();

        await Expect(completed).ToHaveTextAsync($"2 of {required}");
        await Expect(Item(page, second).Locator(".status")).ToHaveTextAsync("Not applicable");
        await Expect(Item(page, second).GetByLabel("Reason, if not applicable")).ToHaveValueAsync(reason);
        await Expect(Item(page, first).Locator(".status")).ToHaveTextAsync("Done");
        var overallAfterSkip = await ValueOf(overall);
        var categoryAfterSkip = await ValueOf(categoryProgress);
        Assert.True(overallAfterSkip > overallAfterDone, $"Overall progress went from {overallAfterDone} to {overallAfterSkip}.");
        Assert.True(categoryAfterSkip > categoryAfterDone, $"{categoryName} progress went from {categoryAfterDone} to {categoryAfterSkip}.");
        await chromium.ScreenshotAsync("second-item-not-applicable");

        // The dashboard shows the project at the same progress.
        await mainNavigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        var projectProgress = page.GetByRole(AriaRole.Progressbar, new() { Name = $"{Project} progress", Exact = true });
        await Expect(projectProgress).ToHaveAttributeAsync("value", overallAfterSkip.ToString(CultureInfo.InvariantCulture));
        await chromium.ScreenshotAsync("dashboard-with-progress");

        // Sign out: the session is gone, and the dashboard now sends the browser to sign in.
        await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await page.GotoAsync(dashboardPath);
        await Expect(page).ToHaveURLAsync(SignInUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        await Expect(page.GetByText("Acme Rockets")).ToHaveCountAsync(0);
        await chromium.ScreenshotAsync("signed-out");
        chromium.AssertNoContentSecurityPolicyReports();
    }

    /// <summary>The checklist entry whose link is the item's name.</summary>
    private static ILocator Item(IPage page, string name)
        => page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    private static async Task<string> ItemNameAsync(ILocator item) => (await item.GetByRole(AriaRole.Link).First.InnerTextAsync()).Trim();

    /// <summary>A progress bar's value (0-100), as the page renders it.</summary>
    private static async Task<int> ValueOf(ILocator progressBar)
    {
        await Expect(progressBar).ToHaveAttributeAsync("value", Number());
        return int.Parse((await progressBar.GetAttributeAsync("value"))!, CultureInfo.InvariantCulture);
    }

    private static (int Complete, int Required) Completed(string text)
    {
        var match = CompletedFact().Match(text);
        Assert.True(match.Success, $"'{text}' is not 'N of M'.");
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\s*(\d+) of (\d+)\s*$")]
    private static partial Regex CompletedFact();

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Number();

    [GeneratedRegex("/onboarding$")]
    private static partial Regex OnboardingUrl();

    [GeneratedRegex("/orgs/[0-9a-f-]{36}$")]
    private static partial Regex DashboardUrl();

    [GeneratedRegex("/Account/SignIn\\?returnUrl=")]
    private static partial Regex SignInUrl();
}
