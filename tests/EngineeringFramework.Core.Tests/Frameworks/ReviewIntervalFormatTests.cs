using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>framework.yml's optional <c>reviewIntervalDays</c>: read, checked, hashed only when present, written back, compared.</summary>
public sealed class ReviewIntervalFormatTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("90", 90)]
    [InlineData("\"30\"", 30)]
    [InlineData("3650", 3650)]
    public void Parser_reads_a_review_interval(string value, int days)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("reviewIntervalDays", value);

        var backlog = fixture.ParseValid().AllItems.Single(i => i.Slug == "backlog");

        Assert.Equal(days, backlog.ReviewIntervalDays);
    }

    [Fact]
    public void Parser_reads_the_snake_case_spelling_and_refuses_both_spellings_at_once()
    {
        var snake = FrameworkFixture.Valid();
        snake.Item(0, 0, 1).Set("review_interval_days", "45");
        var both = FrameworkFixture.Valid();
        both.Item(0, 0, 1).Set("review_interval_days", "45");
        both.Item(0, 0, 1).Set("reviewIntervalDays", "45");

        Assert.Equal(45, snake.ParseValid().AllItems.Single(i => i.Slug == "backlog").ReviewIntervalDays);
        FrameworkAssert.SingleError(both.Parse(), "categories[0].subcategories[0].items[1].review_interval_days");
    }

    [Fact]
    public void Parser_leaves_an_item_without_the_key_with_no_interval()
        => Assert.All(FrameworkFixture.Valid().ParseValid().AllItems, i => Assert.Null(i.ReviewIntervalDays));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("3651")]
    [InlineData("abc")]
    [InlineData("\"abc\"")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("[30]")]
    public void Validator_rejects_a_review_interval_outside_1_to_3650_days(string value)
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(1, 0, 0).Set("reviewIntervalDays", value);

        var error = FrameworkAssert.SingleError(fixture.Parse(), "categories[1].subcategories[0].items[0].reviewIntervalDays");
        Assert.False(fixture.Parse().IsValid);
        Assert.NotEmpty(error.Message);
    }

    [Fact]
    public void Hash_of_a_framework_without_intervals_is_the_version_1_hash()
    {
        // The canonical form as it was before review intervals existed, re-implemented here from its documentation: an
        // existing framework must keep its hash (stored versions, GitHub sync's "unchanged" check compare hashes).
        var fixture = FrameworkFixture.Valid().ParseValid();
        var builtIn = FrameworkParser.ParsePath(Repository.InRepository("content", "default-framework")).Definition!;

        Assert.Equal(Version1Hash(fixture), FrameworkHasher.ComputeHash(fixture));
        Assert.Equal(Version1Hash(builtIn), FrameworkHasher.ComputeHash(builtIn));
    }

    [Fact]
    public void Hash_changes_when_an_interval_is_added_or_changed()
    {
        var without = FrameworkFixture.Valid();
        var with30 = FrameworkFixture.Valid();
        with30.Item(0, 0, 0).Set("reviewIntervalDays", "30");
        var with31 = FrameworkFixture.Valid();
        with31.Item(0, 0, 0).Set("reviewIntervalDays", "31");

        var hashes = new[] { without, with30, with31 }.Select(f => FrameworkHasher.ComputeHash(f.ParseValid())).ToList();

        Assert.Equal(3, hashes.Distinct().Count());
    }

    [Fact]
    public void Export_then_parse_keeps_the_interval_and_the_hash()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 1, 0).Set("reviewIntervalDays", "180");
        var original = fixture.ParseValid();
        using var zip = new MemoryStream();

        FrameworkExporter.WriteZip(original, zip);
        zip.Position = 0;
        var result = FrameworkParser.Parse(FrameworkSource.FromZip(zip));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(180, result.Definition!.AllItems.Single(i => i.Slug == "changelog").ReviewIntervalDays);
        Assert.Equal(FrameworkHasher.ComputeHash(original), FrameworkHasher.ComputeHash(result.Definition));
        Assert.Contains("reviewIntervalDays: 180", FrameworkYamlWriter.Write(original), StringComparison.Ordinal);
        Assert.DoesNotContain("reviewIntervalDays", FrameworkYamlWriter.Write(FrameworkFixture.Valid().ParseValid()), StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_names_a_changed_review_interval()
    {
        var before = FrameworkFixture.Valid().ParseValid();
        var fixture = FrameworkFixture.Valid();
        fixture.Item(0, 0, 1).Set("reviewIntervalDays", "90");
        var after = fixture.ParseValid();

        var backlog = Assert.Single(FrameworkDiffer.Compare(before, after).Items);

        Assert.Equal("backlog", backlog.Slug);
        Assert.Equal([FrameworkAspect.ReviewIntervalChanged], backlog.Aspects);
        Assert.Equal((null, 90), (backlog.OldReviewIntervalDays, backlog.NewReviewIntervalDays));
    }

    /// <summary>Canonical form version 1, exactly as <see cref="FrameworkHasher"/> documented it before intervals.</summary>
    private static string Version1Hash(FrameworkDefinition framework)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void S(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            hash.AppendData(bytes);
        }

        void N(int value) => S(value.ToString(CultureInfo.InvariantCulture));
        void O(string? value)
        {
            if (value is null)
            {
                hash.AppendData("~"u8);
            }
            else
            {
                S(value);
            }
        }

        static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
        static string Md(string text) => (text.StartsWith('\uFEFF') ? text[1..] : text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

        S("engineering-framework/1");
        var categories = framework.Categories.OrderBy(c => c.Order).ThenBy(c => c.Slug, StringComparer.Ordinal).ToList();
        N(categories.Count);
        foreach (var c in categories)
        {
            S(c.Slug);
            S(c.Name);
            N(c.Order);
            O(Blank(c.Description));
            var subcategories = c.Subcategories.OrderBy(s => s.Order).ThenBy(s => s.Slug, StringComparer.Ordinal).ToList();
            N(subcategories.Count);
            foreach (var s in subcategories)
            {
                S(s.Slug);
                S(s.Name);
                N(s.Order);
                O(Blank(s.Description));
                var items = s.Items.OrderBy(i => i.Order).ThenBy(i => i.Slug, StringComparer.Ordinal).ToList();
                N(items.Count);
                foreach (var i in items)
                {
                    S(i.Slug);
                    S(i.Name);
                    N(i.Order);
                    S(i.Optional ? "1" : "0");
                    O(i.DefinitionMarkdown is null ? null : Md(i.DefinitionMarkdown));
                    O(i.TemplateSlug);
                }
            }
        }

        var templates = framework.Templates.OrderBy(t => t.Slug, StringComparer.Ordinal).ToList();
        N(templates.Count);
        foreach (var t in templates)
        {
            S(t.Slug);
            S(t.Name);
            S(Md(t.Markdown));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
