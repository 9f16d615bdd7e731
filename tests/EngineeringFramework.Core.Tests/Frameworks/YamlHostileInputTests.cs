using System.Diagnostics;
using System.Text;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class YamlHostileInputTests
{
    [Fact]
    public void Parser_reports_yaml_syntax_error_with_line_and_column()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "categories:\n  - name: \"unterminated\n    slug: x\n";

        var error = FrameworkAssert.SingleError(fixture.Parse(), "framework.yml:2:11");
        Assert.DoesNotContain("Line:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_reports_bad_indentation_with_its_line()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "categories:\n  - name: a\n   slug: b\n";

        var error = Assert.Single(fixture.Parse().Errors);
        Assert.StartsWith("framework.yml:3:", error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_rejects_alias_bomb_without_expanding_it()
    {
        var yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 30; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(',', Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = yaml.ToString();
        var clock = Stopwatch.StartNew();

        var error = FrameworkAssert.SingleError(fixture.Parse(), "framework.yml:1:5");

        Assert.Contains("anchors", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Parser_rejects_aliases()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = fixture.Yaml.Replace("  - name: \"Quality\"", "  - name: *other", StringComparison.Ordinal);

        var error = Assert.Single(fixture.Parse().Errors);
        Assert.StartsWith("framework.yml:", error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_rejects_nesting_deeper_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "categories: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var error = FrameworkAssert.SingleError(fixture.Parse(), "framework.yml:1:28");
        Assert.Contains("deeper than 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_accepts_the_real_format_at_a_lowered_depth_limit_of_seven()
    {
        var result = FrameworkFixture.Valid().Parse(new FrameworkLimits { MaxYamlDepth = 7 });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Parser_rejects_yaml_tags()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(0).Set("name", "!!python/object:os.system \"x\"");

        Assert.StartsWith("framework.yml:", Assert.Single(fixture.Parse().Errors).Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_rejects_a_second_yaml_document()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = fixture.Yaml + "---\ncategories: []\n";

        Assert.StartsWith("framework.yml:", Assert.Single(fixture.Parse().Errors).Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_rejects_empty_framework_yml()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "# only a comment\n";

        FrameworkAssert.SingleError(fixture.Parse(), "framework.yml");
    }

    [Fact]
    public void Parser_rejects_framework_yml_that_is_not_a_mapping()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "- a\n- b\n";

        FrameworkAssert.SingleError(fixture.Parse(), "framework.yml");
    }

    [Fact]
    public void Parser_rejects_framework_yml_that_is_not_utf8()
    {
        var files = FrameworkFixture.Valid().ToFiles();
        files["framework.yml"] = [.. "categories: []\n# caf"u8, 0xE9, (byte)'\n'];

        var error = FrameworkAssert.SingleError(FrameworkParser.Parse(FrameworkSource.FromFiles(files)), "framework.yml");
        Assert.Contains("offset 20", error.Message, StringComparison.Ordinal);
    }
}
