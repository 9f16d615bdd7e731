namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class ReferenceRuleTests
{
    [Fact]
    public void Validator_rejects_item_with_hasTemplate_but_no_templateSlug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 0).Remove("templateSlug");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[0].templateSlug");
    }

    [Fact]
    public void Validator_rejects_item_with_unknown_template_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(1, 0, 0).Set("templateSlug", "no-such-template");

        var error = FrameworkAssert.SingleError(fixture.Parse(), "categories[1].subcategories[0].items[0].templateSlug");
        Assert.Contains("no-such-template", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_rejects_templateSlug_on_item_without_hasTemplate()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 0).Remove("hasTemplate");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[0].hasTemplate");
    }

    [Fact]
    public void Validator_rejects_template_whose_file_does_not_exist()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files.Remove("templates/test-plan.md");

        FrameworkAssert.SingleError(fixture.Parse(), "templates[1].file");
    }

    [Fact]
    public void Validator_rejects_template_without_file()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(0).Remove("file");

        FrameworkAssert.SingleError(fixture.Parse(), "templates[0].file");
    }

    [Theory]
    [InlineData("../templates/test-plan.md")]
    [InlineData("/etc/passwd")]
    [InlineData("\"templates\\\\test-plan.md\"")]
    [InlineData("templates/../../x.md")]
    public void Validator_rejects_template_file_path_escaping_the_framework(string file)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(1).Set("file", file);

        FrameworkAssert.SingleError(fixture.Parse(), "templates[1].file");
    }

    [Fact]
    public void Validator_accepts_template_file_outside_templates_folder()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(1).Set("file", "./shared/plan.md");
        fixture.Files["shared/plan.md"] = fixture.Files["templates/test-plan.md"];
        fixture.Files.Remove("templates/test-plan.md");

        Assert.True(fixture.Parse().IsValid);
    }

    [Fact]
    public void Validator_rejects_template_file_that_is_not_markdown()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(1).Set("file", "templates/test-plan.txt");
        fixture.Files["templates/test-plan.txt"] = "text"u8.ToArray();

        FrameworkAssert.SingleError(fixture.Parse(), "templates[1].file");
    }

    [Fact]
    public void Validator_rejects_item_with_hasDefinition_but_no_definition_file()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files.Remove("definitions/changelog.md");

        var error = FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].items[0].hasDefinition");
        Assert.Contains("definitions/changelog.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_rejects_missing_framework_yml()
    {
        var files = FrameworkFixture.Valid().ToFiles();
        files.Remove("framework.yml");

        var result = Core.Frameworks.FrameworkParser.Parse(Core.Frameworks.FrameworkSource.FromFiles(files));

        FrameworkAssert.SingleError(result, "framework.yml");
    }
}
