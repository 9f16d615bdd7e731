using System.Text;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>
/// A small valid framework built in memory. Tests break exactly one rule and assert the reported location.
/// <code>
/// categories[0] delivery (order 1)
///   subcategories[0] planning: items[0] roadmap (definition, template roadmap-template), items[1] backlog (optional)
///   subcategories[1] release:  items[0] changelog (definition)
/// categories[1] quality (order 2)
///   subcategories[0] testing:  items[0] unit-tests (definition, template test-plan)
/// templates[0] roadmap-template, templates[1] test-plan
/// </code>
/// </summary>
internal sealed class FrameworkFixture
{
    public FixtureNode Root { get; } = new();

    /// <summary>Every file except framework.yml (definitions, templates, extras).</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Replaces the rendered framework.yml when set.</summary>
    public string? YamlOverride { get; set; }

    public string Yaml => YamlOverride ?? Render();

    public static FrameworkFixture Valid()
    {
        var fixture = new FrameworkFixture();
        var categories = fixture.Root.List("categories");
        var delivery = Node("Delivery", "delivery", "1").Set("description", "\"How we ship\"");
        var planning = Node("Planning", "planning", "1");
        planning.List("items").AddRange(
        [
            Node("Roadmap", "roadmap", "1").Set("optional", "false").Set("hasDefinition", "true")
                .Set("hasTemplate", "true").Set("templateSlug", "\"roadmap-template\""),
            Node("Backlog", "backlog", "2").Set("optional", "true"),
        ]);
        var release = Node("Release", "release", "2");
        release.List("items").Add(Node("Changelog", "changelog", "1").Set("hasDefinition", "true"));
        delivery.List("subcategories").AddRange([planning, release]);

        var quality = Node("Quality", "quality", "2");
        var testing = Node("Testing", "testing", "1");
        testing.List("items").Add(Node("Unit tests", "unit-tests", "1").Set("hasDefinition", "true")
            .Set("hasTemplate", "true").Set("templateSlug", "test-plan"));
        quality.List("subcategories").Add(testing);
        categories.AddRange([delivery, quality]);

        fixture.Root.List("templates").AddRange(
        [
            new FixtureNode().Set("slug", "roadmap-template").Set("name", "\"Roadmap template\"").Set("file", "templates/roadmap-template.md"),
            new FixtureNode().Set("slug", "test-plan").Set("name", "\"Test plan\"").Set("file", "\"templates/test-plan.md\""),
        ]);

        fixture.SetText("definitions/roadmap.md", "# Roadmap\n\nA roadmap for the next two quarters.\n");
        fixture.SetText("definitions/changelog.md", "# Changelog\n\nEvery release has notes. Ünïcödé ✓\n");
        fixture.SetText("definitions/unit-tests.md", "# Unit tests\n");
        fixture.SetText("templates/roadmap-template.md", "## Q1\n\n- goal\n");
        fixture.SetText("templates/test-plan.md", "## Scope\n");
        return fixture;
    }

    public static FixtureNode Node(string name, string slug, string order) =>
        new FixtureNode().Set("name", $"\"{name}\"").Set("slug", slug).Set("order", order);

    public FixtureNode Category(int c) => Root.List("categories")[c];

    public FixtureNode Subcategory(int c, int s) => Category(c).List("subcategories")[s];

    public FixtureNode Item(int c, int s, int i) => Subcategory(c, s).List("items")[i];

    public FixtureNode Template(int t) => Root.List("templates")[t];

    public void SetText(string path, string text) => Files[path] = Encoding.UTF8.GetBytes(text);

    public Dictionary<string, byte[]> ToFiles()
    {
        var files = new Dictionary<string, byte[]>(Files, StringComparer.Ordinal)
        {
            [FrameworkPaths.Manifest] = Encoding.UTF8.GetBytes(Yaml),
        };
        return files;
    }

    public FrameworkValidationResult Parse(FrameworkLimits? limits = null) =>
        FrameworkParser.Parse(FrameworkSource.FromFiles(ToFiles(), limits), limits);

    public FrameworkDefinition ParseValid()
    {
        var result = Parse();
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    public byte[] ToZip(string prefix = "") => Archives.Zip(ToFiles().Select(f => (prefix + f.Key, f.Value)));

    public byte[] ToTarGz(string prefix = "") => Archives.TarGz(ToFiles().Select(f => (prefix + f.Key, f.Value)));

    public void WriteTo(string directory)
    {
        foreach (var (path, bytes) in ToFiles())
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
    }

    private string Render()
    {
        var yaml = new StringBuilder();
        Root.Render(yaml, 0);
        return yaml.ToString();
    }
}
