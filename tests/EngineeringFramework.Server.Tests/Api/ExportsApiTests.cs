using System.Net;
using System.Text;
using CsvHelper;
using EngineeringFramework.Server.Tests.Api.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>The export downloads over REST: media types, attachment names, the format parameter, who may download.</summary>
public sealed class ExportsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static string ExportPath(OrgUser user, Guid project, string format) => $"{ApiTestKit.OrgPath(user.OrgId)}/projects/{project}/checklist/export?format={format}";

    [Fact]
    public async Task Checklist_downloads_as_markdown_and_csv_attachments_named_after_the_project()
    {
        var ada = await server.App.OnboardAsync("export-ada", "Export Acme");
        var project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Café | Plan");
        var items = await ada.ItemsAsync(project);

        using var markdown = await ada.Client.GetAsync(ExportPath(ada, project, "markdown"), ApiTestKit.Cancel);
        using var csv = await ada.Client.GetAsync(ExportPath(ada, project, "CSV"), ApiTestKit.Cancel);
        var document = await markdown.Content.ReadAsStringAsync(ApiTestKit.Cancel);
        var bytes = await csv.Content.ReadAsByteArrayAsync(ApiTestKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, markdown.StatusCode);
        Assert.Equal("text/markdown; charset=utf-8", markdown.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment; filename=\"caf-plan-checklist.md\"; filename*=UTF-8''Caf%C3%A9%20-%20Plan%20checklist.md", markdown.Content.Headers.ContentDisposition?.ToString());
        Assert.StartsWith("# Checklist: Café \\| Plan\n", document, StringComparison.Ordinal);
        Assert.Equal(items.Count, document.Split('\n').Count(l => l.StartsWith("#### ", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment; filename=\"caf-plan-checklist.csv\"; filename*=UTF-8''Caf%C3%A9%20-%20Plan%20checklist.csv", csv.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("Café - Plan checklist.csv", csv.Content.Headers.ContentDisposition?.FileNameStar);
        using var reader = CsvReader.Create(bytes, CsvReaderOptions.Default with { Separator = ',' });
        var slugs = new List<string>();
        while (reader.Read())
        {
            slugs.Add(reader.GetString("Item slug"));
        }

        Assert.Equal(items.Select(i => i.GetProperty("itemSlug").GetString()), slugs);
    }

    [Fact]
    public async Task Organization_report_downloads_as_csv_for_any_member()
    {
        var ada = await server.App.OnboardAsync("report-ada", "Report Acme");
        var ben = await server.App.AddMemberAsync(ada.OrgId, "report-ben");
        await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");

        using var report = await ben.Client.GetAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/report?format=csv", ApiTestKit.Cancel);
        var text = await report.Content.ReadAsStringAsync(ApiTestKit.Cancel);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", report.Content.Headers.ContentType?.ToString());
        Assert.Matches("^attachment; filename=\"report-acme-report-\\d{4}-\\d\\d-\\d\\d\\.csv\"; filename\\*=UTF-8''Report%20Acme%20report%20", report.Content.Headers.ContentDisposition!.ToString());
        Assert.StartsWith("Department,Project,Project status,Category,Required,Done,Not applicable,Percent\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nPlatform,Payments,Active,(all),", text, StringComparison.Ordinal);
        // For programs, no byte order mark (the web app's download has one, for spreadsheets).
        Assert.Equal((byte)'D', (await report.Content.ReadAsByteArrayAsync(ApiTestKit.Cancel))[0]);
    }

    [Theory]
    [InlineData("/projects/{project}/checklist/export?format=pdf")]
    [InlineData("/projects/{project}/checklist/export?format=")]
    [InlineData("/projects/{project}/checklist/export")]
    [InlineData("/projects/{project}/checklist/export?format=1")]
    [InlineData("/report?format=markdown")]
    public async Task An_unknown_or_missing_format_is_a_400_naming_format(string path)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var ada = await server.App.OnboardAsync("format-ada-" + suffix, "Format Acme " + suffix);
        var project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");

        using var response = await ada.Client.GetAsync(ApiTestKit.OrgPath(ada.OrgId) + path.Replace("{project}", project.ToString(), StringComparison.Ordinal), ApiTestKit.Cancel);

        await response.AssertValidationProblemAsync("format");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_another_organization_404()
    {
        var ada = await server.App.OnboardAsync("guard-ada", "Guard Acme");
        var eve = await server.App.OnboardAsync("guard-eve", "Guard Evil");
        var project = await ada.CreateProjectAsync(await ada.CreateDepartmentAsync("Platform"), "Payments");

        using var anonymous = await server.App.Client.GetAsync(ExportPath(ada, project, "markdown"), ApiTestKit.Cancel);
        using var anonymousReport = await server.App.Client.GetAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/report", ApiTestKit.Cancel);
        using var theirs = await eve.Client.GetAsync(ExportPath(ada, project, "csv"), ApiTestKit.Cancel);
        using var underOwn = await eve.Client.GetAsync(ExportPath(eve, project, "csv"), ApiTestKit.Cancel);
        using var report = await eve.Client.GetAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/report", ApiTestKit.Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousReport.StatusCode);
        Assert.All([theirs, underOwn, report], r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.Null(r.Content.Headers.ContentDisposition);
        });
    }
}
