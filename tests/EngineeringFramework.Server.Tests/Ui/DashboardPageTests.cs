using System.Net;
using System.Text.RegularExpressions;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Ui;

/// <summary>
/// The dashboard's figures per department and project, and the progress charts: SVG drawn on the server with a title and
/// description for screen readers, a value label at every point, and the numbers in a table.
/// </summary>
public sealed partial class DashboardPageTests
{
    [Fact]
    public async Task The_dashboard_shows_each_departments_figures_and_both_pages_draw_a_labelled_progress_chart_with_its_numbers()
    {
        await using var app = await TestApp.StartAsync();
        var (browser, orgId, projectId) = await UiSteps.ProjectAsync(app, "dashboard@example.test");
        using var _ = browser;
        var projectPath = $"/orgs/{orgId}/projects/{projectId}";
        var item = UiSteps.ItemIds(await browser.GetAsync(projectPath))[0];
        using var saved = await browser.SubmitAsync(projectPath, $"status-{item}", new() { ["Update.Status"] = "Done" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var dashboard = await browser.GetAsync($"/orgs/{orgId}");
        var project = await browser.GetAsync(projectPath);

        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Matches(DepartmentRow(), dashboard.Html);
        Assert.Contains("<svg viewBox=\"0 0 640 240\" class=\"chart-svg\" role=\"img\" aria-labelledby=\"organization-trend-title organization-trend-desc\"", dashboard.Html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"organization-trend-title\">Organization progress, last 12 weeks</title>", dashboard.Html, StringComparison.Ordinal);
        Assert.Equal(13, ChartPoint().Matches(dashboard.Html).Count);
        Assert.Equal(13, DataRow().Matches(dashboard.Html).Count);
        var (complete, required) = UiSteps.Completed(project);
        Assert.Contains($"<desc id=\"project-trend-desc\">", project.Html, StringComparison.Ordinal);
        Assert.Matches($"<td>{complete}</td><td>{required}</td><td>{complete * 100 / required}%</td></tr>\\s*</tbody>", project.Html);
    }

    [GeneratedRegex("<th scope=\"row\"><a href=\"/orgs/[0-9a-f-]+/departments/[0-9a-f-]+\">Platform</a></th>\\s*<td>1</td>")]
    private static partial Regex DepartmentRow();

    [GeneratedRegex("<circle class=\"chart-point\"")]
    private static partial Regex ChartPoint();

    [GeneratedRegex("<tr><th scope=\"row\">\\d{4}-\\d{2}-\\d{2}</th>")]
    private static partial Regex DataRow();
}
