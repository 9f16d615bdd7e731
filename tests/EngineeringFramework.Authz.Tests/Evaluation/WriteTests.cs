namespace EngineeringFramework.Authz.Tests.Evaluation;

public sealed class WriteTests
{
    private const string Model = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user]
        type document
          relations
            define parent: [document]
            define viewer: [user, group#member]
            define public: [user:*]
        """;

    [Theory]
    [InlineData("report:1#viewer@user:anne")]
    [InlineData("document:1#owner@user:anne")]
    [InlineData("document:1#viewer@group:eng")]
    [InlineData("document:1#viewer@user:*")]
    [InlineData("document:1#viewer@group:eng#owner")]
    [InlineData("document:1#public@user:anne")]
    [InlineData("document:1#parent@document:2#viewer")]
    public void Writes_that_do_not_fit_the_model_are_rejected_with_2027(string tuple)
    {
        var engine = EngineFixture.Create(Model);

        var ex = Assert.Throws<AuthzException>(() => engine.Write(new WriteRequest { Writes = [EngineFixture.Tuple(tuple)] }));

        Assert.Equal(2027, ex.NumericCode);
    }

    [Fact]
    public void A_write_is_all_or_nothing()
    {
        var engine = EngineFixture.Create(Model);

        Assert.Throws<AuthzException>(() => engine.Write(new WriteRequest
        {
            Writes = [EngineFixture.Tuple("document:1#viewer@user:anne"), EngineFixture.Tuple("document:1#viewer@user:*")],
        }));

        Assert.Empty(engine.Read(new ReadRequest()).Tuples);
    }

    [Fact]
    public void More_than_100_changes_in_one_write_are_rejected()
    {
        var engine = EngineFixture.Create(Model);
        var writes = Enumerable.Range(0, 101).Select(i => new TupleKey($"document:{i}", "viewer", "user:anne")).ToArray();

        var ex = Assert.Throws<AuthzException>(() => engine.Write(new WriteRequest { Writes = writes }));

        Assert.Equal(AuthzErrorCode.ExceededEntityLimit, ex.Code);
    }

    [Fact]
    public void The_same_tuple_twice_in_one_write_is_rejected()
    {
        var engine = EngineFixture.Create(Model);
        var tuple = EngineFixture.Tuple("document:1#viewer@user:anne");

        var ex = Assert.Throws<AuthzException>(() => engine.Write(new WriteRequest { Writes = [tuple, tuple] }));

        Assert.Equal(AuthzErrorCode.DuplicateTuplesInOneRequest, ex.Code);
    }

    [Fact]
    public void Writing_an_existing_tuple_fails_unless_duplicates_are_ignored()
    {
        var engine = EngineFixture.Create(Model, "document:1#viewer@user:anne");
        var again = new WriteRequest { Writes = [EngineFixture.Tuple("document:1#viewer@user:anne")] };

        Assert.Equal(AuthzErrorCode.WriteFailedDueToInvalidInput, Assert.Throws<AuthzException>(() => engine.Write(again)).Code);
        engine.Write(again with { Options = new WriteOptions(IgnoreDuplicateWrites: true) });
    }

    [Fact]
    public void Tuples_written_under_an_older_model_can_still_be_deleted()
    {
        var engine = EngineFixture.Create(Model, "document:1#public@user:*");
        engine.WriteModel(Model.Replace("define public: [user:*]", "define public: [user]", StringComparison.Ordinal));

        engine.Write(new WriteRequest { Deletes = [EngineFixture.Tuple("document:1#public@user:*")] });

        Assert.Empty(engine.Read(new ReadRequest()).Tuples);
    }
}
