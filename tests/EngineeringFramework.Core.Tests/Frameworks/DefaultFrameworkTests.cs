using System.Text.RegularExpressions;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>The built-in framework in content/default-framework is the product; these hold it to its promises.</summary>
public sealed partial class DefaultFrameworkTests
{
    private static readonly FrameworkValidationResult Result = FrameworkParser.ParsePath(Repository.InRepository("content", "default-framework"));

    [Fact]
    public void Default_framework_is_valid()
    {
        Assert.Empty(Result.Errors);
        Assert.True(Result.IsValid);
    }

    [Fact]
    public void Default_framework_spans_at_least_12_categories_25_subcategories_100_items_and_24_templates()
    {
        var framework = Result.Definition!;

        Assert.True(framework.Categories.Length >= 12, $"{framework.Categories.Length} categories");
        Assert.True(framework.SubcategoryCount >= 25, $"{framework.SubcategoryCount} subcategories");
        Assert.True(framework.ItemCount >= 100, $"{framework.ItemCount} items");
        Assert.True(framework.Templates.Length >= 24, $"{framework.Templates.Length} templates");
    }

    [Fact]
    public void At_least_15_items_point_to_a_template_and_every_template_is_used()
    {
        var framework = Result.Definition!;
        var used = framework.AllItems.Where(i => i.TemplateSlug is not null).ToList();

        Assert.True(used.Count >= 15, $"{used.Count} items with a template");
        Assert.All(framework.Templates, t => Assert.Contains(used, i => i.TemplateSlug == t.Slug));
    }

    [Fact]
    public void Every_item_has_a_definition_with_the_four_parts_in_order()
    {
        Assert.All(Result.Definition!.AllItems, item =>
        {
            var markdown = item.DefinitionMarkdown;
            Assert.False(string.IsNullOrWhiteSpace(markdown), item.Slug);
            var headings = Heading().Matches(markdown!).Select(m => m.Groups[1].Value.Trim()).ToList();
            Assert.Equal(["What it means", "Why it matters", "How to complete it", "Definition of done"], headings);
            var done = markdown![markdown.IndexOf("## Definition of done", StringComparison.Ordinal)..];
            Assert.Contains("- [ ] ", done, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_template_has_placeholders_to_fill()
    {
        Assert.All(Result.Definition!.Templates, t => Assert.Matches(@"\{\{[a-z0-9-]+\}\}", t.Markdown));
    }

    [GeneratedRegex("^## (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
