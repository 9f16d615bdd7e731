using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class LimitTests
{
    [Fact]
    public void Validator_rejects_more_items_than_the_limit_at_the_first_item_over_it()
    {
        var fixture = FrameworkFixture.Valid();

        // Items across the framework: roadmap, backlog, changelog, unit-tests; the fourth is over a limit of 3.
        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxItems = 3 }), "categories[1].subcategories[0].items[0]");
    }

    [Fact]
    public void Validator_rejects_more_categories_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();

        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxCategories = 1 }), "categories[1]");
    }

    [Fact]
    public void Validator_rejects_more_subcategories_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();

        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxSubcategories = 2 }), "categories[1].subcategories[0]");
    }

    [Fact]
    public void Validator_rejects_more_templates_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(1, 0, 0).Remove("hasTemplate").Remove("templateSlug");

        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxTemplates = 1 }), "templates[1]");
    }

    [Fact]
    public void Validator_rejects_name_longer_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(0).Set("name", new string('n', 201));

        FrameworkAssert.SingleError(fixture.Parse(), "categories[0].name");
    }

    [Fact]
    public void Validator_caps_the_number_of_reported_errors()
    {
        var fixture = FrameworkFixture.Valid();
        var items = fixture.Subcategory(0, 0).List("items");
        for (var i = 0; i < 50; i++)
        {
            items.Add(FrameworkFixture.Node("Bad", "BAD", "x"));
        }

        var result = fixture.Parse(new FrameworkLimits { MaxErrors = 10 });

        Assert.Equal(11, result.Errors.Count);
        Assert.Equal("(source)", result.Errors[^1].Location);
    }
}
