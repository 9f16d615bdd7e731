namespace EngineeringFramework.Authz.Tests.Evaluation;

public sealed class CheckTests
{
    private const string Model = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user, group#member]
        type folder
          relations
            define viewer: [user, user:*, group#member]
        type document
          relations
            define parent: [folder]
            define owner: [user]
            define editor: [user] or owner
            define viewer: [user] or editor or viewer from parent
            define signer: [user]
            define approver: editor and signer
            define blocked: [user]
            define reader: viewer but not blocked
        """;

    [Fact]
    public void Check_finds_a_direct_tuple()
    {
        var engine = EngineFixture.Create(Model, "document:1#owner@user:anne");

        Assert.True(engine.Check("user:anne", "owner", "document:1"));
        Assert.False(engine.Check("user:bob", "owner", "document:1"));
    }

    [Fact]
    public void Check_follows_computed_usersets()
    {
        var engine = EngineFixture.Create(Model, "document:1#owner@user:anne");

        Assert.True(engine.Check("user:anne", "editor", "document:1"));
        Assert.True(engine.Check("user:anne", "viewer", "document:1"));
    }

    [Fact]
    public void Check_follows_tuple_to_userset_through_parent()
    {
        var engine = EngineFixture.Create(Model, "document:1#parent@folder:x", "folder:x#viewer@user:anne");

        Assert.True(engine.Check("user:anne", "viewer", "document:1"));
        Assert.False(engine.Check("user:anne", "viewer", "document:2"));
    }

    [Fact]
    public void Check_grants_everyone_through_a_wildcard()
    {
        var engine = EngineFixture.Create(Model, "folder:public#viewer@user:*");

        Assert.True(engine.Check("user:zoe", "viewer", "folder:public"));
    }

    [Fact]
    public void Check_expands_nested_group_usersets()
    {
        var engine = EngineFixture.Create(Model, "folder:x#viewer@group:staff#member", "group:staff#member@group:eng#member", "group:eng#member@user:anne");

        Assert.True(engine.Check("user:anne", "viewer", "folder:x"));
        Assert.True(engine.Check("group:eng#member", "viewer", "folder:x"));
    }

    [Fact]
    public void Check_requires_every_side_of_an_intersection()
    {
        var engine = EngineFixture.Create(Model, "document:1#owner@user:anne", "document:1#signer@user:anne", "document:1#owner@user:bob");

        Assert.True(engine.Check("user:anne", "approver", "document:1"));
        Assert.False(engine.Check("user:bob", "approver", "document:1"));
    }

    [Fact]
    public void Check_excludes_subtracted_users()
    {
        var engine = EngineFixture.Create(Model, "document:1#viewer@user:anne", "document:1#viewer@user:bob", "document:1#blocked@user:bob");

        Assert.True(engine.Check("user:anne", "reader", "document:1"));
        Assert.False(engine.Check("user:bob", "reader", "document:1"));
    }

    [Fact]
    public void Check_counts_contextual_tuples_for_that_call_only()
    {
        var engine = EngineFixture.Create(Model);

        Assert.True(engine.Check("user:anne", "viewer", "document:1", "document:1#owner@user:anne"));
        Assert.False(engine.Check("user:anne", "viewer", "document:1"));
    }

    [Fact]
    public void Check_ignores_stored_tuples_that_no_longer_fit_the_model()
    {
        var engine = EngineFixture.Create(Model, "folder:x#viewer@user:*");
        engine.WriteModel(Model.Replace("[user, user:*, group#member]", "[user, group#member]", StringComparison.Ordinal));

        Assert.False(engine.Check("user:anne", "viewer", "folder:x"));
    }

    [Fact]
    public void Check_of_a_cycle_is_false_not_an_error()
    {
        const string cyclic = """
            model
              schema 1.1
            type user
            type document
              relations
                define editor: [user, document#viewer]
                define viewer: [document#editor] or editor
            """;
        var engine = EngineFixture.Create(cyclic, "document:1#editor@document:1#viewer", "document:1#viewer@document:1#editor");

        Assert.False(engine.Check("user:jon", "viewer", "document:1"));
    }

    [Fact]
    public void Check_fails_with_resolution_too_complex_beyond_depth_25()
    {
        var relations = string.Join("\n", Enumerable.Range(2, 26).Select(i => $"    define a{i}: [resource#a{i - 1}]"));
        var dsl = $"model\n  schema 1.1\ntype user\ntype resource\n  relations\n    define a1: [user]\n{relations}\n";
        var tuples = Enumerable.Range(2, 26).Select(i => $"resource:1#a{i}@resource:1#a{i - 1}").Append("resource:1#a1@user:maria").ToArray();
        var engine = EngineFixture.Create(dsl, tuples);

        var ex = Assert.Throws<AuthzException>(() => engine.Check("user:maria", "a27", "resource:1"));

        Assert.Equal(AuthzErrorCode.ResolutionTooComplex, ex.Code);
        Assert.True(engine.Check("user:maria", "a20", "resource:1"));
    }

    [Theory]
    [InlineData("user:anne", "nope", "document:1", AuthzErrorCode.ValidationError)]
    [InlineData("person:anne", "viewer", "document:1", AuthzErrorCode.ValidationError)]
    [InlineData("user:anne", "viewer", "report:1", AuthzErrorCode.ValidationError)]
    [InlineData("not a user", "viewer", "document:1", AuthzErrorCode.ValidationError)]
    public void Check_rejects_invalid_requests_with_openfga_codes(string user, string relation, string obj, AuthzErrorCode code)
    {
        var engine = EngineFixture.Create(Model);

        Assert.Equal(code, Assert.Throws<AuthzException>(() => engine.Check(user, relation, obj)).Code);
    }

    [Fact]
    public void Check_rejects_an_invalid_contextual_tuple_with_2027()
    {
        var engine = EngineFixture.Create(Model);

        var ex = Assert.Throws<AuthzException>(() => engine.Check("user:anne", "viewer", "document:1", "document:1#viewer@group:eng"));

        Assert.Equal(2027, ex.NumericCode);
    }

    [Fact]
    public void Batch_check_reports_each_result_or_error()
    {
        var engine = EngineFixture.Create(Model, "document:1#owner@user:anne");

        var results = engine.BatchCheck([new CheckRequest("user:anne", "owner", "document:1"), new CheckRequest("user:anne", "nope", "document:1")]);

        Assert.True(results[0].Allowed);
        Assert.Equal(AuthzErrorCode.ValidationError, results[1].Error!.Code);
    }
}
