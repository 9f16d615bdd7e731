using System.Text;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class ExportTests
{
    [Fact]
    public void Export_then_parse_gives_the_same_hash()
    {
        var original = FrameworkFixture.Valid().ParseValid();
        using var zip = new MemoryStream();

        FrameworkExporter.WriteZip(original, zip);
        zip.Position = 0;
        var result = FrameworkParser.Parse(FrameworkSource.FromZip(zip));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(FrameworkHasher.ComputeHash(original), FrameworkHasher.ComputeHash(result.Definition!));
    }

    [Fact]
    public void Export_round_trips_text_that_looks_like_other_yaml_types()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(0).Set("name", "\"true\"").Set("description", "\"line one\\nline two: # not a comment\\t\\\"quoted\\\"\"");
        fixture.Item(0, 0, 1).Set("name", "\"null\"");
        fixture.Subcategory(0, 0).Set("name", "\"123\"").Set("description", "\"- [ &x *y ]\"");
        fixture.Template(0).Set("name", "\"Ünïcödé 🚀 'single' \\\"double\\\"\"");
        var original = fixture.ParseValid();

        var files = FrameworkExporter.ToFiles(original);
        var reparsed = FrameworkParser.Parse(FrameworkSource.FromFiles(files));

        Assert.True(reparsed.IsValid, string.Join("\n", reparsed.Errors) + "\n" + Encoding.UTF8.GetString(files["framework.yml"]));
        Assert.Equal(FrameworkHasher.ComputeHash(original), FrameworkHasher.ComputeHash(reparsed.Definition!));
        Assert.Equal("true", reparsed.Definition!.Categories[0].Name);
    }

    [Fact]
    public void Export_then_parse_keeps_the_hash_of_a_definition_built_with_crlf_markdown()
    {
        var parsed = FrameworkFixture.Valid().ParseValid();
        var template = parsed.Templates[0] with { Markdown = "\uFEFF## Q1\r\n\r\n- goal\r\n" };
        var original = parsed with { Templates = [template, parsed.Templates[1]] };

        var reparsed = FrameworkParser.Parse(FrameworkSource.FromFiles(FrameworkExporter.ToFiles(original)));

        Assert.Equal(FrameworkHasher.ComputeHash(parsed), FrameworkHasher.ComputeHash(original));
        Assert.Equal(FrameworkHasher.ComputeHash(original), FrameworkHasher.ComputeHash(reparsed.Definition!));
    }

    [Fact]
    public void Export_writes_the_folder_layout()
    {
        var files = FrameworkExporter.ToFiles(FrameworkFixture.Valid().ParseValid());

        Assert.Equal(
            ["definitions/changelog.md", "definitions/roadmap.md", "definitions/unit-tests.md", "framework.yml", "templates/roadmap-template.md", "templates/test-plan.md"],
            files.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Export_is_byte_identical_for_the_same_framework()
    {
        var framework = FrameworkFixture.Valid().ParseValid();
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        FrameworkExporter.WriteZip(framework, first);
        FrameworkExporter.WriteZip(framework, second);

        Assert.Equal(first.ToArray(), second.ToArray());
    }
}
