namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class AllErrorsTests
{
    [Fact]
    public void Validator_reports_three_independent_errors_at_once()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Category(1).Set("slug", "Quality");
        fixture.Item(0, 0, 1).Set("order", "first");
        fixture.Files.Remove("definitions/changelog.md");

        var result = fixture.Parse();

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "categories[0].subcategories[0].items[1].order",
                "categories[0].subcategories[1].items[0].hasDefinition",
                "categories[1].slug",
            ],
            result.Errors.Select(e => e.Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validator_reports_source_and_content_errors_together()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("order", "first");
        var entries = fixture.ToFiles().Select(f => (f.Key, f.Value)).Append(("../escape.md", "x"u8.ToArray()));

        var result = Core.Frameworks.FrameworkParser.Parse(Archives.ReadZip(Archives.Zip(entries)));

        Assert.Equal(["../escape.md", "categories[0].subcategories[0].items[1].order"], result.Errors.Select(e => e.Location));
    }
}
