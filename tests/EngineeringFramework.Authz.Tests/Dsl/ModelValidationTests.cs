using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Tests.Dsl;

public sealed class ModelValidationTests
{
    [Fact]
    public void Every_problem_is_reported_with_its_line()
    {
        const string dsl = """
            model
              schema 1.1
            type user
            type document
              relations
                define owner: [person]
                define editor: [user, group#member]
                define viewer: [user] or reader
                define parent: [document]
                define link: viewer from owner
            """;

        var ex = Assert.Throws<InvalidModelException>(() => DslParser.ParseAndValidate(dsl));

        Assert.Contains(ex.Errors, e => e.Line == 6 && e.Message.Contains("'person'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Line == 7 && e.Message.Contains("'group'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Line == 8 && e.Message.Contains("'reader'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Line == 10 && e.Message.Contains("viewer", StringComparison.Ordinal));
        Assert.Equal((int)AuthzErrorCode.InvalidAuthorizationModel, ex.NumericCode);
    }

    [Fact]
    public void Tupleset_must_be_a_plain_direct_relation_without_usersets()
    {
        const string dsl = """
            model
              schema 1.1
            type user
            type folder
              relations
                define viewer: [user]
            type document
              relations
                define parent: [folder, folder#viewer]
                define owner: [folder] or parent
                define viewer: viewer from parent
                define other: viewer from owner
            """;

        var errors = Validate(dsl);

        Assert.Contains(errors, e => e.Line == 9 && e.Message.Contains("tupleset", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 12 && e.Message.Contains("plain direct relation", StringComparison.Ordinal));
    }

    [Fact]
    public void Relations_that_only_refer_to_each_other_or_themselves_are_rejected()
    {
        const string dsl = """
            model
              schema 1.1
            type user
            type document
              relations
                define a: b
                define b: a
                define c: [user]
                define d: [user] and d
            """;

        var errors = Validate(dsl);

        Assert.Contains(errors, e => e.Line == 6);
        Assert.Contains(errors, e => e.Line == 7);
        Assert.DoesNotContain(errors, e => e.Line == 8);
        Assert.Contains(errors, e => e.Line == 9);
    }

    [Fact]
    public void Recursive_userset_and_parent_relations_are_valid()
    {
        const string dsl = """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user, group#member]
            type folder
              relations
                define parent: [folder]
                define viewer: [user, group#member] or viewer from parent
            """;

        Assert.Empty(Validate(dsl));
    }

    [Fact]
    public void Duplicate_types_and_relations_are_reported()
    {
        var result = DslParser.Parse("model\n  schema 1.1\ntype user\ntype user\ntype doc\n  relations\n    define a: [user]\n    define a: [user]\n");

        Assert.Contains(result.Errors, e => e.Line == 4);
        Assert.Contains(result.Errors, e => e.Line == 8);
    }

    private static IReadOnlyList<ModelError> Validate(string dsl)
    {
        var parsed = DslParser.Parse(dsl);
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        return ModelValidator.Validate(parsed.Model!, parsed.SourceMap);
    }
}
