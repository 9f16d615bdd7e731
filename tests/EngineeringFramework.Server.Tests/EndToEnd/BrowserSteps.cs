using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EngineeringFramework.Server.Tests.EndToEnd;

/// <summary>The organization, department and project steps that browser journeys take as their setting, through the pages.</summary>
internal static partial class BrowserSteps
{
    /// <summary>Creates an organization from the onboarding form the browser shows now; answers its id once the dashboard is up.</summary>
    public static async Task<Guid> CreateOrganizationAsync(IPage page, string name)
    {
        await page.GetByLabel("Organization name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        return Guid.Parse(OrganizationId().Match(page.Url).Groups[1].Value);
    }

    /// <summary>Creates a department from the departments page; answers the department page's path, where the browser is left.</summary>
    public static async Task<string> CreateDepartmentAsync(IPage page, Guid org, string name)
    {
        await page.GotoAsync($"/orgs/{org}/departments");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create department" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        return new Uri(page.Url).AbsolutePath;
    }

    /// <summary>Creates a project from the department page the browser shows now; answers the project page's path, where it is left.</summary>
    public static async Task<string> CreateProjectAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Region, new() { Name = "New project" }).GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true })).ToBeVisibleAsync();
        return new Uri(page.Url).AbsolutePath;
    }

    [GeneratedRegex("/orgs/([0-9a-f-]{36})")]
    private static partial Regex OrganizationId();
}
