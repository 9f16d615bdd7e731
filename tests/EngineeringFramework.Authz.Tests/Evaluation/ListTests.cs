namespace EngineeringFramework.Authz.Tests.Evaluation;

public sealed class ListTests
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
            define viewer: [user] or viewer from parent
            define blocked: [user]
            define reader: viewer but not blocked
        """;

    [Fact]
    public void List_objects_returns_objects_reached_through_parents_without_duplicates()
    {
        var engine = EngineFixture.Create(Model,
            "document:1#parent@folder:x", "document:2#parent@folder:x", "document:2#viewer@user:anne", "folder:x#viewer@user:anne");

        Assert.Equal(["document:1", "document:2"], engine.Objects("user:anne", "viewer", "document"));
    }

    [Fact]
    public void List_objects_confirms_exclusions()
    {
        var engine = EngineFixture.Create(Model, "document:1#viewer@user:anne", "document:2#viewer@user:anne", "document:2#blocked@user:anne");

        Assert.Equal(["document:1"], engine.Objects("user:anne", "reader", "document"));
    }

    [Fact]
    public void List_objects_includes_public_objects()
    {
        var engine = EngineFixture.Create(Model, "folder:public#viewer@user:*", "folder:private#viewer@user:bob");

        Assert.Equal(["folder:public"], engine.Objects("user:anne", "viewer", "folder"));
    }

    [Fact]
    public void List_objects_rejects_unknown_type_and_relation()
    {
        var engine = EngineFixture.Create(Model);

        Assert.Equal(2021, Assert.Throws<AuthzException>(() => engine.Objects("user:anne", "viewer", "report")).NumericCode);
        Assert.Equal(2022, Assert.Throws<AuthzException>(() => engine.Objects("user:anne", "nope", "document")).NumericCode);
    }

    [Fact]
    public void List_users_returns_wildcards_and_usersets_as_openfga_does()
    {
        var engine = EngineFixture.Create(Model, "folder:x#viewer@user:*", "folder:x#viewer@group:eng#member", "group:eng#member@user:anne");

        Assert.Equal(["user:*", "user:anne"], engine.Users("folder:x", "viewer", "user"));
        Assert.Equal(["group:eng#member"], engine.Users("folder:x", "viewer", "group#member"));
    }

    [Fact]
    public void List_users_applies_exclusions()
    {
        var engine = EngineFixture.Create(Model, "document:1#viewer@user:anne", "document:1#viewer@user:bob", "document:1#blocked@user:bob");

        Assert.Equal(["user:anne"], engine.Users("document:1", "reader", "user"));
    }
}
