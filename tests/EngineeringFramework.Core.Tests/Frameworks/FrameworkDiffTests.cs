using System.Collections.Immutable;
using CsCheck;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Diff;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class FrameworkDiffTests
{
    // delivery: planning [roadmap (template plan), backlog], release [changelog]; quality: testing [unit-tests]
    private static readonly FrameworkDefinition Base = new(
        [
            Category("delivery", 1,
                Subcategory("planning", 1, Item("roadmap", 1, template: "plan"), Item("backlog", 2)),
                Subcategory("release", 2, Item("changelog", 1))),
            Category("quality", 2,
                Subcategory("testing", 1, Item("unit-tests", 1))),
        ],
        [new FrameworkTemplate("plan", "Plan", "# Plan\n\n{{goal}}\n")]);

    [Fact]
    public void The_same_framework_has_no_differences()
    {
        var diff = FrameworkDiffer.Compare(Base, Base);

        Assert.True(diff.IsEmpty);
        Assert.Equal("no item changes", diff.Summary);
    }

    [Fact]
    public void An_added_and_a_removed_item_are_listed_with_where_they_sit()
    {
        var after = ReplaceSubcategory(Base, "delivery", "release", s => s with { Items = [Item("release-notes", 2)] });

        var diff = FrameworkDiffer.Compare(Base, after);

        var added = Assert.Single(diff.Items, i => i.Change == FrameworkChange.Added);
        Assert.Equal("release-notes", added.Slug);
        Assert.Equal(new FrameworkPlace("delivery", "release"), added.NewPlace);
        var removed = Assert.Single(diff.Items, i => i.Change == FrameworkChange.Removed);
        Assert.Equal("changelog", removed.Slug);
        Assert.Equal(new FrameworkPlace("delivery", "release"), removed.OldPlace);
        Assert.Null(removed.NewPlace);
        Assert.Equal("+1 item, \u22121, 0 changed", diff.Summary);
    }

    [Fact]
    public void A_renamed_item_is_one_change_with_both_names()
    {
        var after = ReplaceItem(Base, "backlog", i => i with { Name = "Product backlog" });

        var change = Assert.Single(FrameworkDiffer.Compare(Base, after).Items);

        Assert.Equal(FrameworkChange.Changed, change.Change);
        Assert.Equal([FrameworkAspect.Renamed], change.Aspects);
        Assert.Equal(("Backlog item", "Product backlog"), (change.OldName, change.NewName));
    }

    [Fact]
    public void An_item_moved_to_another_subcategory_is_a_move_not_a_removal()
    {
        var after = ReplaceSubcategory(
            ReplaceSubcategory(Base, "delivery", "planning", s => s with { Items = [.. s.Items.Where(i => i.Slug != "backlog")] }),
            "quality", "testing", s => s with { Items = [.. s.Items, Item("backlog", 2)] });

        var change = Assert.Single(FrameworkDiffer.Compare(Base, after).Items);

        Assert.Equal("backlog", change.Slug);
        Assert.Equal([FrameworkAspect.Moved], change.Aspects);
        Assert.Equal(new FrameworkPlace("delivery", "planning"), change.OldPlace);
        Assert.Equal(new FrameworkPlace("quality", "testing"), change.NewPlace);
    }

    [Fact]
    public void A_changed_definition_comes_with_its_line_diff()
    {
        var after = ReplaceItem(Base, "roadmap", i => i with { DefinitionMarkdown = "# roadmap\n\nKeep the plan for two quarters.\n" });

        var change = Assert.Single(FrameworkDiffer.Compare(Base, after).Items);

        Assert.Equal([FrameworkAspect.DefinitionChanged], change.Aspects);
        Assert.Equal(
            [
                new TextDiffLine(TextDiffKind.Unchanged, "# roadmap"),
                new TextDiffLine(TextDiffKind.Unchanged, string.Empty),
                new TextDiffLine(TextDiffKind.Removed, "What roadmap means."),
                new TextDiffLine(TextDiffKind.Added, "Keep the plan for two quarters."),
            ],
            change.Definition);
    }

    [Fact]
    public void Line_endings_alone_are_not_a_change()
    {
        var after = ReplaceItem(Base, "roadmap", i => i with { DefinitionMarkdown = i.DefinitionMarkdown!.ReplaceLineEndings("\r\n") });

        Assert.True(FrameworkDiffer.Compare(Base, after).IsEmpty);
    }

    [Fact]
    public void Optional_template_and_order_changes_are_named()
    {
        var after = ReplaceItem(ReplaceItem(Base, "backlog", i => i with { Optional = true, TemplateSlug = "plan" }), "roadmap", i => i with { Order = 3 });

        var diff = FrameworkDiffer.Compare(Base, after);

        var backlog = Assert.Single(diff.Items, i => i.Slug == "backlog");
        Assert.Equal([FrameworkAspect.OptionalChanged, FrameworkAspect.TemplateChanged], backlog.Aspects);
        Assert.Equal((false, true), (backlog.OldOptional, backlog.NewOptional));
        Assert.Equal((null, "plan"), (backlog.OldTemplateSlug, backlog.NewTemplateSlug));
        Assert.Null(backlog.Definition);
        Assert.Equal([FrameworkAspect.Reordered], Assert.Single(diff.Items, i => i.Slug == "roadmap").Aspects);
    }

    [Fact]
    public void A_subcategory_moved_to_another_category_keeps_its_identity()
    {
        var release = Base.Categories[0].Subcategories[1];
        var after = Base with
        {
            Categories =
            [
                Base.Categories[0] with { Subcategories = [Base.Categories[0].Subcategories[0]] },
                Base.Categories[1] with { Subcategories = [.. Base.Categories[1].Subcategories, release with { Order = 2 }] },
            ],
        };

        var diff = FrameworkDiffer.Compare(Base, after);

        var moved = Assert.Single(diff.Subcategories);
        Assert.Equal(("release", FrameworkChange.Changed), (moved.Slug, moved.Change));
        Assert.Equal([FrameworkAspect.Moved], moved.Aspects);
        Assert.Equal(("delivery", "quality"), (moved.OldCategorySlug, moved.NewCategorySlug));
        Assert.Equal([FrameworkAspect.Moved], Assert.Single(diff.Items).Aspects);
    }

    [Fact]
    public void Categories_are_added_removed_renamed_and_described()
    {
        var after = Base with
        {
            Categories =
            [
                Base.Categories[0] with { Name = "Shipping", Description = "How we ship." },
                Category("operations", 3, Subcategory("on-call", 1, Item("unit-tests", 1))),
            ],
        };

        var diff = FrameworkDiffer.Compare(Base, after);

        Assert.Equal(
            [
                new CategoryDiff("delivery", FrameworkChange.Changed, [FrameworkAspect.Renamed, FrameworkAspect.DescriptionChanged], "Delivery", "Shipping"),
                new CategoryDiff("operations", FrameworkChange.Added, [], null, "Operations"),
                new CategoryDiff("quality", FrameworkChange.Removed, [], "Quality", null),
            ],
            diff.Categories,
            CategoryDiffComparer.Instance);
        Assert.Equal([("on-call", FrameworkChange.Added), ("testing", FrameworkChange.Removed)], diff.Subcategories.Select(s => (s.Slug, s.Change)));
    }

    [Fact]
    public void Templates_are_added_removed_renamed_and_their_text_compared()
    {
        var after = Base with
        {
            Templates =
            [
                new FrameworkTemplate("plan", "Quarter plan", "# Plan\n\n{{goal}}\n{{owner}}\n"),
                new FrameworkTemplate("runbook", "Runbook", "# Runbook\n"),
            ],
        };

        var diff = FrameworkDiffer.Compare(Base, after);

        var plan = Assert.Single(diff.Templates, t => t.Slug == "plan");
        Assert.Equal([FrameworkAspect.Renamed, FrameworkAspect.ContentChanged], plan.Aspects);
        Assert.Equal([new TextDiffLine(TextDiffKind.Added, "{{owner}}")], plan.Content!.Where(l => l.Kind != TextDiffKind.Unchanged));
        Assert.Equal(FrameworkChange.Added, Assert.Single(diff.Templates, t => t.Slug == "runbook").Change);
        Assert.Equal([("runbook", FrameworkChange.Removed)], FrameworkDiffer.Compare(after, after with { Templates = [after.Templates[0]] }).Templates.Select(t => (t.Slug, t.Change)));
    }

    [Fact]
    public void Entries_are_listed_in_the_newer_versions_order_then_the_removed_ones()
    {
        var after = ReplaceSubcategory(Base, "delivery", "planning", s => s with { Items = [Item("alpha", 1), Item("zeta", 3)] });

        var diff = FrameworkDiffer.Compare(Base, after);

        Assert.Equal(["alpha", "zeta", "roadmap", "backlog"], diff.Items.Select(i => i.Slug));
    }

    [Fact]
    public void Any_framework_compared_with_itself_is_empty_and_counts_follow_the_slugs()
    {
        Gen.Select(Generated, Generated).Sample((a, b) =>
        {
            Assert.True(FrameworkDiffer.Compare(a, a).IsEmpty);
            var diff = FrameworkDiffer.Compare(a, b);
            var before = a.AllItems.Select(i => i.Slug).ToHashSet();
            var after = b.AllItems.Select(i => i.Slug).ToHashSet();
            Assert.Equal(after.Except(before).Count(), diff.ItemsAdded);
            Assert.Equal(before.Except(after).Count(), diff.ItemsRemoved);
            Assert.Equal(FrameworkDiffer.Compare(a, b), diff, FrameworkDiffComparer.Instance);
        }, seed: "0N0XIzNsQ0O2", iter: 300);
    }

    /// <summary>Small random frameworks over a shared pool of slugs, so that two of them overlap.</summary>
    internal static readonly Gen<FrameworkDefinition> Generated =
        Gen.Int[0, 5].Array[1, 3].Select(Gen.Int[0, 6], Gen.Bool, (shape, seed, optional) =>
        {
            var slug = 0;
            var categories = shape.Select((subcategoryCount, c) => Category(
                $"c{(c + seed) % 4}", c,
                [.. Enumerable.Range(0, subcategoryCount % 3 + 1).Select(s => Subcategory(
                    $"s{s}", s,
                    [.. Enumerable.Range(0, (subcategoryCount + s) % 4 + 1).Select(i => Item(
                        $"item-{(slug++ * 7 + seed) % 23}", i, optional: optional && i % 2 == 0, definition: $"# item {(seed + i) % 3}\n"))]))]))
                .DistinctBy(c => c.Slug)
                .ToList();

            // Item slugs are unique in a framework: keep the first of each, and only the groups left with items.
            var seen = new HashSet<string>();
            return new FrameworkDefinition(
                [.. categories
                    .Select(c => c with
                    {
                        Subcategories = [.. c.Subcategories.Select(s => s with { Items = [.. s.Items.Where(i => seen.Add(i.Slug))] }).Where(s => s.Items.Length > 0)],
                    })
                    .Where(c => c.Subcategories.Length > 0)
                    .OrderBy(c => c.Order).ThenBy(c => c.Slug, StringComparer.Ordinal)],
                []);
        });

    internal static FrameworkCategory Category(string slug, int order, params FrameworkSubcategory[] subcategories)
        => new(slug, char.ToUpperInvariant(slug[0]) + slug[1..], order, null, [.. subcategories]);

    internal static FrameworkSubcategory Subcategory(string slug, int order, params FrameworkItem[] items)
        => new(slug, char.ToUpperInvariant(slug[0]) + slug[1..], order, null, [.. items]);

    internal static FrameworkItem Item(string slug, int order, bool optional = false, string? template = null, string? definition = null)
        => new(slug, $"{char.ToUpperInvariant(slug[0])}{slug[1..]} item", order, optional, definition ?? $"# {slug}\n\nWhat {slug} means.\n", template);

    private static FrameworkDefinition ReplaceSubcategory(FrameworkDefinition framework, string category, string subcategory, Func<FrameworkSubcategory, FrameworkSubcategory> change)
        => framework with
        {
            Categories = [.. framework.Categories.Select(c => c.Slug != category ? c : c with
            {
                Subcategories = [.. c.Subcategories.Select(s => s.Slug == subcategory ? change(s) : s)],
            })],
        };

    private static FrameworkDefinition ReplaceItem(FrameworkDefinition framework, string slug, Func<FrameworkItem, FrameworkItem> change)
        => framework with
        {
            Categories = [.. framework.Categories.Select(c => c with
            {
                Subcategories = [.. c.Subcategories.Select(s => s with { Items = [.. s.Items.Select(i => i.Slug == slug ? change(i) : i)] })],
            })],
        };

    /// <summary>Records holding lists compare their lists by reference; these compare them by content.</summary>
    private sealed class CategoryDiffComparer : IEqualityComparer<CategoryDiff>
    {
        public static readonly CategoryDiffComparer Instance = new();

        public bool Equals(CategoryDiff? x, CategoryDiff? y)
            => x is not null && y is not null && x with { Aspects = [] } == y with { Aspects = [] } && x.Aspects.SequenceEqual(y.Aspects);

        public int GetHashCode(CategoryDiff obj) => obj.Slug.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class FrameworkDiffComparer : IEqualityComparer<FrameworkDiff>
    {
        public static readonly FrameworkDiffComparer Instance = new();

        public bool Equals(FrameworkDiff? x, FrameworkDiff? y)
            => x is not null && y is not null && Json(x) == Json(y);

        public int GetHashCode(FrameworkDiff obj) => Json(obj).GetHashCode(StringComparison.Ordinal);

        private static string Json(FrameworkDiff diff) => System.Text.Json.JsonSerializer.Serialize(diff);
    }
}
