using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Tests.Dsl;

/// <summary>Expected JSON derived from running @openfga/syntax-transformer 0.2.2 on the same DSL.</summary>
public sealed class DslParserJsonTests
{
    private const string Header = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define parent: [doc]\n    define a: [user]\n    define b: [user]\n    define c: [user]\n";

    [Theory]
    [InlineData("a or b or c", """{"union":{"child":[{"computedUserset":{"relation":"a"}},{"computedUserset":{"relation":"b"}},{"computedUserset":{"relation":"c"}}]}}""")]
    [InlineData("(a or b) or c", """{"union":{"child":[{"union":{"child":[{"computedUserset":{"relation":"a"}},{"computedUserset":{"relation":"b"}}]}},{"computedUserset":{"relation":"c"}}]}}""")]
    [InlineData("((a))", """{"computedUserset":{"relation":"a"}}""")]
    [InlineData("a but not (b but not c)", """{"difference":{"base":{"computedUserset":{"relation":"a"}},"subtract":{"difference":{"base":{"computedUserset":{"relation":"b"}},"subtract":{"computedUserset":{"relation":"c"}}}}}}""")]
    [InlineData("[user] and a", """{"intersection":{"child":[{"this":{}},{"computedUserset":{"relation":"a"}}]}}""")]
    [InlineData("a from parent or b", """{"union":{"child":[{"tupleToUserset":{"computedUserset":{"relation":"a"},"tupleset":{"relation":"parent"}}},{"computedUserset":{"relation":"b"}}]}}""")]
    [InlineData("([user] or a) but not b", """{"difference":{"base":{"union":{"child":[{"this":{}},{"computedUserset":{"relation":"a"}}]}},"subtract":{"computedUserset":{"relation":"b"}}}}""")]
    public void Rewrite_has_the_official_transformer_shape(string expression, string expectedJson)
    {
        var model = Parse(Header + "    define r: " + expression + "\n");

        var relation = Json(model)["type_definitions"]![1]!["relations"]!["r"];

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), relation), relation!.ToJsonString());
    }

    [Fact]
    public void Direct_types_become_metadata_with_wildcards_and_usersets()
    {
        var model = Parse(Header + "    define r: [user, user:*, doc#a] or a  # trailing comment\n");

        var metadata = Json(model)["type_definitions"]![1]!["metadata"]!["relations"]!;

        var expected = JsonNode.Parse("""{"directly_related_user_types":[{"type":"user"},{"type":"user","wildcard":{}},{"type":"doc","relation":"a"}]}""");
        Assert.True(JsonNode.DeepEquals(expected, metadata["r"]), metadata["r"]!.ToJsonString());
    }

    [Fact]
    public void Relation_without_direct_types_has_empty_metadata_list()
    {
        var model = Parse(Header + "    define r: a\n");

        var r = Json(model)["type_definitions"]![1]!["metadata"]!["relations"]!["r"];

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"directly_related_user_types":[]}"""), r));
    }

    [Fact]
    public void Type_without_relations_has_empty_relations_and_null_metadata()
    {
        var json = Json(Parse("model\n  schema 1.1\ntype user\n"));

        var expected = JsonNode.Parse("""{"schema_version":"1.1","type_definitions":[{"type":"user","relations":{},"metadata":null}]}""");
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public void Model_json_round_trips()
    {
        var model = Parse(Header + "    define r: ([user, doc#a] or a) but not b from parent\n");

        var again = ModelJson.Deserialize(ModelJson.Serialize(model));

        Assert.True(JsonNode.DeepEquals(Json(model), Json(again)));
    }

    [Theory]
    [InlineData("a or b and c")]
    [InlineData("a but not b but not c")]
    [InlineData("a or [user]")]
    [InlineData("[user] or ([doc#a] or a)")]
    [InlineData("[user with cond]")]
    [InlineData("(a or b")]
    public void Invalid_expression_is_a_syntax_error_on_its_line(string expression)
    {
        var result = DslParser.Parse(Header + "    define r: " + expression + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(10, error.Line);
        Assert.Null(result.Model);
    }

    [Fact]
    public void Modules_and_conditions_are_rejected_as_not_supported()
    {
        var module = DslParser.Parse("module core\ntype user\n");
        var condition = DslParser.Parse("model\n  schema 1.1\ntype user\ncondition c(x: int) {\n  x < 1\n}\n");

        Assert.Contains("not supported", Assert.Single(module.Errors).Message, StringComparison.Ordinal);
        Assert.Contains(condition.Errors, e => e.Line == 4 && e.Message.Contains("not supported", StringComparison.Ordinal));
    }

    private static AuthorizationModel Parse(string dsl)
    {
        var result = DslParser.Parse(dsl);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Model!;
    }

    private static JsonNode Json(AuthorizationModel model) => JsonNode.Parse(ModelJson.Serialize(model))!;
}
