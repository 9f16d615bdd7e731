using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class ValidFrameworkTests
{
    [Fact]
    public void Parser_accepts_the_fixture_framework_with_all_its_content()
    {
        var framework = FrameworkFixture.Valid().ParseValid();

        Assert.Equal(["delivery", "quality"], framework.Categories.Select(c => c.Slug));
        Assert.Equal("How we ship", framework.Categories[0].Description);
        Assert.Equal(3, framework.SubcategoryCount);
        Assert.Equal(4, framework.ItemCount);
        var roadmap = framework.Categories[0].Subcategories[0].Items[0];
        Assert.Equal(new FrameworkItem("roadmap", "Roadmap", 1, false, "# Roadmap\n\nA roadmap for the next two quarters.\n", "roadmap-template"), roadmap);
        var backlog = framework.Categories[0].Subcategories[0].Items[1];
        Assert.True(backlog.Optional);
        Assert.Null(backlog.DefinitionMarkdown);
        Assert.Null(backlog.TemplateSlug);
        Assert.Equal(
            [new FrameworkTemplate("roadmap-template", "Roadmap template", "## Q1\n\n- goal\n"), new FrameworkTemplate("test-plan", "Test plan", "## Scope\n")],
            framework.Templates);
    }

    [Fact]
    public void Parser_sorts_items_by_order_which_need_not_be_consecutive()
    {
        var fixture = FrameworkFixture.Valid();
        var items = fixture.Subcategory(0, 0).List("items");
        items[0].Set("order", "30");
        items[1].Set("order", "-5");
        items.Add(FrameworkFixture.Node("Vision", "vision", "10"));

        var framework = fixture.ParseValid();

        Assert.Equal(["backlog", "vision", "roadmap"], framework.Categories[0].Subcategories[0].Items.Select(i => i.Slug));
    }

    [Fact]
    public void Parser_sorts_categories_and_subcategories_by_order()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(0).Set("order", "20");
        fixture.Category(1).Set("order", "\"7\"");
        fixture.Subcategory(0, 0).Set("order", "9");

        var framework = fixture.ParseValid();

        Assert.Equal(["quality", "delivery"], framework.Categories.Select(c => c.Slug));
        Assert.Equal(["release", "planning"], framework.Categories[1].Subcategories.Select(s => s.Slug));
    }

    [Fact]
    public void Parser_breaks_order_ties_by_slug_so_file_position_does_not_matter()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 0).Set("order", "1");
        fixture.Item(0, 0, 1).Set("order", "1");

        var framework = fixture.ParseValid();

        Assert.Equal(["backlog", "roadmap"], framework.Categories[0].Subcategories[0].Items.Select(i => i.Slug));
    }

    [Fact]
    public void Parser_accepts_optional_descriptions_on_subcategories_and_empty_lists()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(0, 1).Set("description", "|\n          Multi-line\n          text");
        fixture.Category(1).List("subcategories").Add(FrameworkFixture.Node("Empty", "empty", "5"));
        fixture.Subcategory(1, 1).List("items");

        var framework = fixture.ParseValid();

        Assert.Equal("Multi-line\ntext\n", framework.Categories[0].Subcategories[1].Description);
        Assert.Empty(framework.Categories[1].Subcategories[1].Items);
    }

    [Fact]
    public void Parser_ignores_files_that_framework_yml_does_not_reference()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["README.md"] = [0xff, 0xfe];
        fixture.Files["docs/logo.png"] = new byte[FrameworkLimits.Default.MaxMarkdownBytes * 2];
        fixture.SetText("definitions/backlog.md", "not used: backlog has no hasDefinition");

        var framework = fixture.ParseValid();

        Assert.Null(framework.Categories[0].Subcategories[0].Items[1].DefinitionMarkdown);
    }

    [Fact]
    public void Parser_normalizes_crlf_and_bom_in_markdown()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["definitions/unit-tests.md"] = [0xEF, 0xBB, 0xBF, .. "# Unit tests\r\n"u8];

        var framework = fixture.ParseValid();

        Assert.Equal("# Unit tests\n", framework.Categories[1].Subcategories[0].Items[0].DefinitionMarkdown);
    }
}
