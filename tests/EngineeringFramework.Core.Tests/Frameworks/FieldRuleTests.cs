namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class FieldRuleTests
{
    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("")]
    public void Validator_rejects_empty_item_name(string name)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 1, 0).Set("name", name);

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].items[0].name");
    }

    [Fact]
    public void Validator_rejects_empty_category_name()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Set("name", "\"\"");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].name");
    }

    [Fact]
    public void Validator_rejects_missing_subcategory_name()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(1, 0).Remove("name");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].subcategories[0].name");
    }

    [Fact]
    public void Validator_rejects_empty_template_name()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(0).Set("name", "''");

        FrameworkAssert.SingleError(fixture.Parse(), "templates[0].name");
    }

    [Fact]
    public void Validator_rejects_name_that_is_a_list()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(0).Set("name", "[a, b]");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].name");
    }

    [Theory]
    [InlineData("first")]
    [InlineData("\"first\"")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Validator_rejects_item_order_that_is_not_a_whole_number(string order)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("order", order);

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[1].order");
    }

    [Fact]
    public void Validator_rejects_category_order_that_is_not_a_number()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Set("order", "second");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].order");
    }

    [Fact]
    public void Validator_rejects_missing_order()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(0, 1).Remove("order");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].order");
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("maybe")]
    public void Validator_rejects_boolean_that_is_not_true_or_false(string value)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("optional", value);

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[1].optional");
    }

    [Fact]
    public void Validator_rejects_unknown_key_at_its_location()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 1, 0).Set("hasDefintion", "true");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].items[0].hasDefintion");
    }

    [Fact]
    public void Validator_rejects_unknown_top_level_key()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Root.Set("version", "2");

        FrameworkAssert.SingleError(fixture.Parse(), "version");
    }

    [Fact]
    public void Validator_rejects_duplicate_key()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = fixture.Yaml.Replace("slug: quality\n", "slug: quality\n    slug: other\n", StringComparison.Ordinal);

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].slug");
    }

    [Fact]
    public void Validator_rejects_missing_categories()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = "templates: []\n";

        FrameworkAssert.SingleError(fixture.Parse(), "categories");
    }

    [Fact]
    public void Validator_rejects_category_that_is_not_a_mapping()
    {
        var fixture = FrameworkFixture.Valid();
        var yaml = fixture.Yaml;
        Assert.StartsWith("categories:\n", yaml, StringComparison.Ordinal);
        fixture.YamlOverride = "categories:\n  - just text\n" + yaml["categories:\n".Length..];

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0]");
    }

    [Fact]
    public void Validator_rejects_subcategories_that_are_not_a_list()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Remove("subcategories").Set("subcategories", "testing");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].subcategories");
    }

    [Fact]
    public void Validator_rejects_nul_character_in_a_name()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("name", "\"Back\\0log\"");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[1].name");
    }

    [Theory]
    [InlineData("categories: []\ntemplates: []\n")]
    [InlineData("categories:\n  - name: Empty\n    slug: empty\n    order: 1\n    subcategories:\n      - name: Nothing yet\n        slug: nothing-yet\n        order: 1\n        items: []\ntemplates: []\n")]
    public void Validator_rejects_a_framework_without_a_single_item(string yaml)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = yaml;

        var error = FrameworkAssert.SingleError(fixture.Parse(), "categories");
        Assert.Contains("at least one item", error.Message, StringComparison.Ordinal);
    }
}
