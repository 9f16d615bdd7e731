using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class HashTests
{
    [Fact]
    public void Hash_is_lowercase_hex_sha256()
    {
        var hash = FrameworkHasher.ComputeHash(FrameworkFixture.Valid().ParseValid());

        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Hash_ignores_yaml_key_order()
    {
        var fixture = FrameworkFixture.Valid();
        var expected = FrameworkHasher.ComputeHash(fixture.ParseValid());

        fixture.Root.ReverseKeys();

        Assert.Equal(expected, FrameworkHasher.ComputeHash(fixture.ParseValid()));
    }

    [Fact]
    public void Hash_ignores_list_position_quoting_comments_and_flow_style()
    {
        var expected = FrameworkHasher.ComputeHash(FrameworkFixture.Valid().ParseValid());
        var fixture = FrameworkFixture.Valid();
        fixture.YamlOverride = """
            # Same framework, written differently.
            templates:
              - {file: 'templates/test-plan.md', name: Test plan, slug: test-plan}
              - {slug: "roadmap-template", name: 'Roadmap template', file: ./templates/roadmap-template.md}
            categories:
              - slug: quality
                name: Quality
                order: "2"
                subcategories: [{name: Testing, slug: testing, order: 1, items: [{name: Unit tests, slug: unit-tests, order: 1, hasDefinition: TRUE, hasTemplate: True, templateSlug: test-plan}]}]
              - order: 1
                description: How we ship   # trailing comment
                name: Delivery
                slug: delivery
                subcategories:
                  - {name: Release, slug: release, order: 2, items: [{name: Changelog, slug: changelog, order: 1, hasDefinition: true, optional: false}]}
                  - name: Planning
                    slug: planning
                    order: 1
                    description: ""
                    items:
                      - {name: Backlog, slug: backlog, order: 2, optional: true, hasDefinition: false}
                      - {name: Roadmap, slug: roadmap, order: 1, hasDefinition: true, hasTemplate: true, templateSlug: roadmap-template}
            """;

        Assert.Equal(expected, FrameworkHasher.ComputeHash(fixture.ParseValid()));
    }

    [Fact]
    public void Hash_changes_when_a_definition_changes()
    {
        var fixture = FrameworkFixture.Valid();
        var before = FrameworkHasher.ComputeHash(fixture.ParseValid());

        fixture.SetText("definitions/unit-tests.md", "# Unit tests!\n");

        Assert.NotEqual(before, FrameworkHasher.ComputeHash(fixture.ParseValid()));
    }

    [Fact]
    public void Hash_changes_when_an_item_becomes_optional()
    {
        var fixture = FrameworkFixture.Valid();
        var before = FrameworkHasher.ComputeHash(fixture.ParseValid());

        fixture.Item(0, 1, 0).Set("optional", "true");

        Assert.NotEqual(before, FrameworkHasher.ComputeHash(fixture.ParseValid()));
    }

    [Fact]
    public void Hash_does_not_confuse_text_moved_between_fields()
    {
        var a = FrameworkFixture.Valid();
        a.Category(0).Set("name", "\"Deliv\"").Set("description", "\"ery How we ship\"");
        var b = FrameworkFixture.Valid();
        b.Category(0).Set("name", "\"Delivery\"").Set("description", "\" How we ship\"");

        Assert.NotEqual(FrameworkHasher.ComputeHash(a.ParseValid()), FrameworkHasher.ComputeHash(b.ParseValid()));
    }
}
