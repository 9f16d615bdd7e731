namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class SlugRuleTests
{
    [Theory]
    [InlineData("Bad Slug")]
    [InlineData("UPPER")]
    [InlineData("under_score")]
    [InlineData("\"trailing-newline\\n\"")]
    [InlineData("\"\"")]
    public void Validator_rejects_category_slug_outside_lowercase_digits_and_dashes(string slug)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Set("slug", slug);

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].slug");
    }

    [Fact]
    public void Validator_rejects_invalid_subcategory_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(0, 1).Set("slug", "Release!");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].slug");
    }

    [Fact]
    public void Validator_rejects_invalid_item_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("slug", "back/log");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[1].slug");
    }

    [Fact]
    public void Validator_rejects_invalid_template_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(1).Set("slug", "Test Plan");
        fixture.Item(1, 0, 0).Set("templateSlug", "\"Test Plan\"");

        var result = fixture.Parse();

        // The reference has to change with the slug, so the item reports the same bad slug.
        Assert.Equal(
            ["categories[1].subcategories[0].items[0].templateSlug", "templates[1].slug"],
            result.Errors.Select(e => e.Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validator_rejects_missing_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Remove("slug");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[0].items[1].slug");
    }

    [Fact]
    public void Validator_rejects_duplicate_category_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Set("slug", "delivery");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[1].slug");
    }

    [Fact]
    public void Validator_rejects_duplicate_subcategory_slug_within_a_category()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(0, 1).Set("slug", "planning");

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].subcategories[1].slug");
    }

    [Fact]
    public void Validator_accepts_same_subcategory_slug_in_different_categories()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Subcategory(1, 0).Set("slug", "planning");

        Assert.True(fixture.Parse().IsValid);
    }

    [Fact]
    public void Validator_rejects_item_slug_used_twice_across_the_framework()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(1, 0, 0).Set("slug", "backlog").Set("hasDefinition", "false");

        var error = FrameworkAssert.SingleError(fixture.Parse(), "categories[1].subcategories[0].items[0].slug");
        Assert.Contains("categories[0].subcategories[0].items[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_rejects_duplicate_template_slug()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Template(1).Set("slug", "roadmap-template");
        fixture.Item(1, 0, 0).Set("templateSlug", "roadmap-template");

        FrameworkAssert.SingleError(fixture.Parse(), "templates[1].slug");
    }
}
