using System.Collections.Immutable;
using System.Text;
using CsvHelper;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Exports;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tests.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using FluentValidation;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.Exports;

public sealed class ExportServiceTests
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<ExportFile> ExportAsync(ProjectWorld world, Caller caller, Guid organization, Guid project, ExportFormat format)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<ExportService>().ExportChecklistAsync(caller, organization, project, new ExportChecklistRequest(format), Cancel));

    private static Task<ExportFile> ReportAsync(ProjectWorld world, Caller caller, Guid organization)
        => world.Core.InScopeAsync(sp => sp.GetRequiredService<ExportService>().ExportOrganizationReportAsync(caller, organization, Cancel));

    private static Task<ChecklistItemView> UpdateAsync(ProjectWorld world, Guid project, ChecklistItemView item, UpdateChecklistItemRequest request)
        => world.Checklists(world.Ada, (s, c) => s.UpdateItemAsync(c, world.Acme, project, item.Id, request, Cancel));

    /// <summary>Apollo, led by Ben, with the roadmap done (notes, evidence, Ben assigned, a due date) and the unit tests not applicable.</summary>
    private static async Task<Guid> WorkedProjectAsync(ProjectWorld world, string name = "Apollo", string notes = "Reviewed with **the board**.")
    {
        var project = (await world.Projects(world.Ada, (p, c) => p.CreateAsync(c, world.Acme, new CreateProjectRequest(world.Engineering, name, LeadUserId: world.Ben.UserId, TargetDate: new DateOnly(2027, 7, 20)), Cancel))).Project.Id;
        await UpdateAsync(world, project, await world.ItemAsync(project, "roadmap"), new UpdateChecklistItemRequest(
            1, ChecklistItemStatus.Done, Notes: notes, AssigneeUserId: world.Ben.UserId, DueDate: new DateOnly(2027, 1, 15),
            EvidenceLinks: ["https://docs.example.com/roadmap", "https://example.com/a_(b)"]));
        await world.UpdateItemAsync(project, await world.ItemAsync(project, "unit-tests"), ChecklistItemStatus.NotApplicable, reason: "No code | only *docs*");
        return project;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Markdown_export_has_the_projects_facts_progress_and_every_item_in_framework_order(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = await WorkedProjectAsync(world);

        var file = await ExportAsync(world, world.Ben, world.Acme, project, ExportFormat.Markdown);
        var document = Markdown.Parse(file.Content, Pipeline);
        var details = await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, project, Cancel));

        Assert.Equal(("text/markdown", "apollo-checklist.md", "Apollo checklist.md"), (file.MediaType, file.FileName, file.DisplayFileName));
        Assert.Equal(["Checklist: Apollo"], Headings(document, 1));
        Assert.Equal(["Delivery", "Quality"], Headings(document, 2));
        Assert.Equal(["Planning", "Release", "Testing"], Headings(document, 3));
        Assert.Equal(["Roadmap", "Backlog", "Changelog", "Unit tests"], Headings(document, 4));
        var facts = Rows(document.Descendants<Table>().First());
        Assert.Equal(["Project", "Apollo"], facts["Project"]);
        Assert.Equal("Engineering", facts["Department"][1]);
        Assert.Equal("Active", facts["Status"][1]);
        Assert.Equal("ben", facts["Lead"][1]);
        Assert.Equal("2027-07-20", facts["Target date"][1]);
        Assert.Equal(world.SystemFrameworkId.ToString(), facts["Framework version"][1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", facts["Generated at"][1]);
        Assert.StartsWith($"{details.Progress.Percent} % (2 of 3 required", facts["Overall progress"][1], StringComparison.Ordinal);
        var categories = Rows(document.Descendants<Table>().ElementAt(1));
        Assert.All(details.Categories, c => Assert.Equal(
            [c.Name, $"{c.Progress.Required}", $"{c.Progress.Done}", $"{c.Progress.NotApplicable}", $"{c.Progress.Percent} %"], categories[c.Name]));

        var roadmap = Section(file.Content, "#### Roadmap", "#### Backlog");
        Assert.Contains("- Slug: roadmap\n- Required\n- Status: Done\n- Assignee: ben\n- Due date: 2027-01-15\n", roadmap, StringComparison.Ordinal);
        Assert.Contains("  - <https://docs.example.com/roadmap>\n  - <https://example.com/a_(b)>\n", roadmap, StringComparison.Ordinal);
        Assert.Contains("```markdown\nReviewed with **the board**.\n```", roadmap, StringComparison.Ordinal);
        Assert.Contains("- Optional", Section(file.Content, "#### Backlog", "#### Changelog"), StringComparison.Ordinal);
        Assert.Contains(@"- Not applicable because: No code \| only \*docs\*", Section(file.Content, "#### Unit tests", null), StringComparison.Ordinal);
        var links = document.Descendants<AutolinkInline>().Select(l => l.Url).ToList();
        Assert.Equal(["https://docs.example.com/roadmap", "https://example.com/a_(b)"], links);
    }

    /// <remarks>
    /// Names come from people (the project's) and from the framework's authors (categories, items); notes are markdown
    /// anyone on the project writes. None of them may add a heading, a table column, HTML or a link to the document.
    /// </remarks>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Hostile_names_and_notes_do_not_change_the_markdown_documents_structure(DatabaseProvider provider)
    {
        var framework = new FrameworkDefinition(
            [new FrameworkCategory("c1", "# Cat | <b>one</b>", 1, null,
                [new FrameworkSubcategory("s1", "## Sub *x* [link](https://evil.example)", 1, null,
                    [new FrameworkItem("i1", "Item | with `code` & <script>x</script> #", 1, false, "# Item\n", null)])])],
            ImmutableArray<FrameworkTemplate>.Empty);
        await using var world = await ProjectWorld.CreateAsync(provider, framework);
        const string notes = "# heading\n\n```\n# not out\n```\n````\n</div><img src=x onerror=alert(1)>\n| a | b |\n|---|---|\n\r\n## also inside";
        var project = (await world.CreateProjectAsync("# x | y\nsecond line")).Project.Id;
        var item = await world.ItemAsync(project, "i1");
        await UpdateAsync(world, project, item, new UpdateChecklistItemRequest(item.Version, ChecklistItemStatus.InProgress, Notes: notes));

        var file = await ExportAsync(world, world.Ada, world.Acme, project, ExportFormat.Markdown);
        var document = Markdown.Parse(file.Content, Pipeline);

        Assert.Equal([@"Checklist: # x | y second line"], Headings(document, 1));
        Assert.Equal(["# Cat | <b>one</b>"], Headings(document, 2));
        Assert.Equal(["## Sub *x* [link](https://evil.example)"], Headings(document, 3));
        Assert.Equal(["Item | with `code` & <script>x</script> #"], Headings(document, 4));
        Assert.Equal(2, document.Descendants<Table>().Count());
        Assert.All(document.Descendants<TableRow>(), row => Assert.True(row.Count is 2 or 5, $"A row of {row.Count} cells"));
        Assert.Equal("# x | y second line", Rows(document.Descendants<Table>().First())["Project"][1]);
        Assert.Equal("# Cat | <b>one</b>", Rows(document.Descendants<Table>().ElementAt(1)).Values.Single()[0]);
        Assert.Empty(document.Descendants<HtmlBlock>());
        Assert.Empty(document.Descendants<HtmlInline>());
        // A bare URL in a name may be linked by a renderer, but only ever to what the reader sees: no hidden target.
        Assert.All(document.Descendants<LinkInline>(), link => Assert.Equal(Text(link), link.Url));
        var fenced = Assert.Single(document.Descendants<FencedCodeBlock>());
        Assert.Equal(notes.Replace("\r\n", "\n", StringComparison.Ordinal), fenced.Lines.ToString());
        Assert.Equal("markdown", fenced.Info);
        Assert.IsType<MarkdownDocument>(fenced.Parent);
        Assert.Equal(("x-y-second-line-checklist.md", "# x - y-second line checklist.md"), (file.FileName, file.DisplayFileName));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Csv_export_reads_back_as_the_checklist_with_formulas_defused(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        const string notes = "Said \"done\", twice,\r\non two lines";
        var project = await WorkedProjectAsync(world, "Apollo", notes);
        var changelog = await world.ItemAsync(project, "changelog");
        await UpdateAsync(world, project, changelog, new UpdateChecklistItemRequest(changelog.Version, ChecklistItemStatus.InProgress, Notes: "=HYPERLINK(\"https://evil.example\",\"x\")"));
        var backlog = await world.ItemAsync(project, "backlog");
        await UpdateAsync(world, project, backlog, new UpdateChecklistItemRequest(backlog.Version, ChecklistItemStatus.NotApplicable, "@SUM(1+1)", "-2+3", DueDate: null));

        var file = await ExportAsync(world, world.Ada, world.Acme, project, ExportFormat.Csv);
        var checklist = await world.ChecklistAsync(project);
        var rows = ReadCsv(file.Content);

        Assert.Equal(("text/csv", "apollo-checklist.csv"), (file.MediaType, file.FileName));
        Assert.Equal(
            ["Category", "Subcategory", "Item slug", "Item name", "Required", "Status", "Not applicable reason", "Assignee", "Due date", "Notes", "Evidence links", "Updated at", "Version", "Retired", "Definition changed since done", "Awaiting confirmation"],
            rows[0]);
        var expected = checklist.Categories.SelectMany(c => c.Subcategories.SelectMany(s => s.Items.Select(i => (c, s, i)))).ToList();
        Assert.Equal(expected.Count, rows.Count - 1);
        for (var n = 0; n < expected.Count; n++)
        {
            var (category, subcategory, item) = expected[n];
            var row = rows[n + 1];
            Assert.Equal([category.Name, subcategory.Name, item.ItemSlug, item.Name, item.Optional ? "no" : "yes", item.Status.ToString()], row[..6]);
            Assert.Equal(item.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), row[11]);
            Assert.Equal(item.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), row[12]);
            Assert.Equal(["no", "no"], row[13..15]);
        }

        var roadmap = rows.Single(r => r[2] == "roadmap");
        Assert.Equal(["ben", "2027-01-15", notes, "https://docs.example.com/roadmap https://example.com/a_(b)"], roadmap[7..11]);
        Assert.Equal("No code | only *docs*", rows.Single(r => r[2] == "unit-tests")[6]);
        // A cell a spreadsheet would run as a formula is written with a leading apostrophe, which shows it as text.
        Assert.Equal("'=HYPERLINK(\"https://evil.example\",\"x\")", rows.Single(r => r[2] == "changelog")[9]);
        Assert.Equal(["'@SUM(1+1)", string.Empty, string.Empty, "'-2+3"], rows.Single(r => r[2] == "backlog")[6..10]);
        Assert.Contains("\r\n", file.Content, StringComparison.Ordinal);
        Assert.False(file.Content.StartsWith('\uFEFF'));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Organization_report_has_each_projects_category_and_overall_progress_as_the_project_use_case_counts_it(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var apollo = await WorkedProjectAsync(world);
        var gemini = (await world.CreateProjectAsync("Gemini")).Project.Id;
        var research = (await world.Departments(world.Ada, (d, c) => d.CreateAsync(c, world.Acme, new("=Research"), Cancel))).Id;
        var mercury = (await world.CreateProjectAsync("Mercury", research)).Project.Id;
        var evilDepartment = (await world.Departments(world.Eve, (d, c) => d.CreateAsync(c, world.Evil, new("Evil dept"), Cancel))).Id;
        await world.Projects(world.Eve, (p, c) => p.CreateAsync(c, world.Evil, new CreateProjectRequest(evilDepartment, "Evil plan"), Cancel));

        var file = await ReportAsync(world, world.Ben, world.Acme);
        var rows = ReadCsv(file.Content);

        Assert.Equal(["Department", "Project", "Project status", "Category", "Required", "Done", "Not applicable", "Percent"], rows[0]);
        Assert.Equal("text/csv", file.MediaType);
        Assert.Matches(@"^acme-report-\d{4}-\d\d-\d\d\.csv$", file.FileName);
        Assert.DoesNotContain(rows, r => r[1] == "Evil plan");
        // By department name, ordinally ("=" sorts before letters), then project; each project's overall row last. The
        // apostrophe is the formula guard on "=Research".
        Assert.Equal(["Mercury", "Mercury", "Mercury", "Apollo", "Apollo", "Apollo", "Gemini", "Gemini", "Gemini"], rows.Skip(1).Select(r => r[1]));
        Assert.Equal(["'=Research", "'=Research", "'=Research", "Engineering", "Engineering", "Engineering", "Engineering", "Engineering", "Engineering"], rows.Skip(1).Select(r => r[0]));
        foreach (var (name, id) in new[] { ("Apollo", apollo), ("Gemini", gemini), ("Mercury", mercury) })
        {
            var details = await world.Projects(world.Ada, (p, c) => p.GetAsync(c, world.Acme, id, Cancel));
            var projectRows = rows.Where(r => r[1] == name).ToList();
            var expected = details.Categories.Select(c => (c.Name, c.Progress)).Append(("(all)", details.Progress))
                .Select(c => new[] { "Active", c.Item1, $"{c.Item2.Required}", $"{c.Item2.Done}", $"{c.Item2.NotApplicable}", $"{c.Item2.Percent}" });
            Assert.Equal(expected, projectRows.Select(r => r[2..]));
        }

        Assert.Equal(["Active", "(all)", "3", "1", "1", "66"], rows.Single(r => r[1] == "Apollo" && r[3] == "(all)")[2..]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Another_organizations_caller_or_ids_are_not_found_and_nothing_is_exported(DatabaseProvider provider)
    {
        await using var world = await ProjectWorld.CreateAsync(provider);
        var project = (await world.CreateProjectAsync()).Project.Id;
        var stranger = await world.Core.CreateUserAsync("stranger");

        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world, world.Eve, world.Acme, project, ExportFormat.Markdown));
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world, world.Eve, world.Evil, project, ExportFormat.Csv));
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world, stranger, world.Acme, project, ExportFormat.Csv));
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world, world.Ada, world.Acme, Guid.NewGuid(), ExportFormat.Csv));
        // Ada may read the project, but not under Evil's id: the tenant filter finds nothing there.
        await Assert.ThrowsAsync<NotFoundException>(() => ExportAsync(world, world.Ada, world.Evil, project, ExportFormat.Csv));
        await Assert.ThrowsAsync<NotFoundException>(() => ReportAsync(world, world.Eve, world.Acme));
        await Assert.ThrowsAsync<NotFoundException>(() => ReportAsync(world, stranger, world.Acme));
    }

    [Fact]
    public async Task An_unknown_format_is_a_validation_error_naming_the_format()
    {
        await using var world = await ProjectWorld.CreateAsync();
        var project = (await world.CreateProjectAsync()).Project.Id;

        var error = await Assert.ThrowsAsync<ValidationException>(() => ExportAsync(world, world.Ada, world.Acme, project, (ExportFormat)7));

        Assert.Equal("Format", Assert.Single(error.Errors).PropertyName);
        Assert.True(ExportFormats.TryParse("CSV", out var csv) && csv == ExportFormat.Csv);
        Assert.False(ExportFormats.TryParse("1", out _));
        Assert.False(ExportFormats.TryParse("pdf", out _));
    }

    [Theory]
    [InlineData("Café #1", "caf-1", "Café #1")]
    [InlineData("../../etc/passwd", "etc-passwd", "-..-etc-passwd")]
    [InlineData("ÜÜÜ", "project", "ÜÜÜ")]
    [InlineData("a\"b\r\nc", "a-b-c", "a-b--c")]
    public void File_names_are_safe_ascii_and_keep_the_name_for_filename_star(string name, string ascii, string display)
    {
        Assert.Equal(ascii, ExportFileNames.Ascii(name, "project"));
        Assert.Equal(display, ExportFileNames.Display(name, "project"));
    }

    private static List<string> Headings(MarkdownDocument document, int level)
        => [.. document.Descendants<HeadingBlock>().Where(h => h.Level == level).Select(h => Text(h.Inline))];

    /// <summary>A table's body rows by their first cell's text, each as its cells' text.</summary>
    private static Dictionary<string, string[]> Rows(Table table)
        => table.Skip(1).Cast<TableRow>().Select(r => r.Cast<TableCell>().Select(c => Text(((ParagraphBlock)c[0]).Inline)).ToArray()).ToDictionary(r => r[0]);

    /// <summary>What a reader sees of inline content: literal text, code spans and autolinks as written, with soft breaks as spaces.</summary>
    private static string Text(ContainerInline? inline)
    {
        var text = new StringBuilder();
        foreach (var node in inline?.Descendants<Inline>() ?? [])
        {
            text.Append(node switch
            {
                LiteralInline literal => literal.Content.ToString(),
                CodeInline code => code.Content,
                LineBreakInline => " ",
                HtmlEntityInline entity => entity.Transcoded.ToString(),
                _ => string.Empty,
            });
        }

        return text.ToString();
    }

    private static string Section(string markdown, string start, string? end)
    {
        var from = markdown.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"No {start} in the document.");
        var to = end is null ? markdown.Length : markdown.IndexOf(end, from, StringComparison.Ordinal);
        return markdown[from..to];
    }

    private static List<string[]> ReadCsv(string csv)
    {
        using var reader = CsvReader.Create(Encoding.UTF8.GetBytes(csv), CsvReaderOptions.Default with { Separator = ',', HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        return rows;
    }
}
