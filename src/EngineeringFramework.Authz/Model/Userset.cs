using System.Text.Json.Serialization;

namespace EngineeringFramework.Authz.Model;

/// <summary>
/// A relation rewrite. Exactly one property is set, mirroring OpenFGA's protobuf "oneof" so the
/// JSON is identical to the API's: <c>this</c>, <c>computedUserset</c>, <c>tupleToUserset</c>,
/// <c>union</c>, <c>intersection</c> or <c>difference</c>.
/// </summary>
public sealed record Userset
{
    [JsonPropertyName("this")]
    public WildcardMarker? This { get; init; }

    [JsonPropertyName("computedUserset")]
    public ObjectRelation? ComputedUserset { get; init; }

    [JsonPropertyName("tupleToUserset")]
    public TupleToUserset? TupleToUserset { get; init; }

    [JsonPropertyName("union")]
    public Usersets? Union { get; init; }

    [JsonPropertyName("intersection")]
    public Usersets? Intersection { get; init; }

    [JsonPropertyName("difference")]
    public Difference? Difference { get; init; }

    public static Userset Direct() => new() { This = new WildcardMarker() };

    public static Userset Computed(string relation) => new() { ComputedUserset = new ObjectRelation { Relation = relation } };

    public static Userset FromTupleset(string tupleset, string computed) => new()
    {
        TupleToUserset = new TupleToUserset
        {
            Tupleset = new ObjectRelation { Relation = tupleset },
            ComputedUserset = new ObjectRelation { Relation = computed },
        },
    };

    public static Userset AnyOf(IReadOnlyList<Userset> children) => new() { Union = new Usersets { Child = children } };

    public static Userset AllOf(IReadOnlyList<Userset> children) => new() { Intersection = new Usersets { Child = children } };

    public static Userset Except(Userset baseSet, Userset subtract) => new() { Difference = new Difference { Base = baseSet, Subtract = subtract } };
}

public sealed record ObjectRelation
{
    [JsonPropertyName("object")]
    public string? Object { get; init; }

    [JsonPropertyName("relation")]
    public string? Relation { get; init; }
}

public sealed record TupleToUserset
{
    [JsonPropertyName("tupleset")]
    public ObjectRelation Tupleset { get; init; } = new();

    [JsonPropertyName("computedUserset")]
    public ObjectRelation ComputedUserset { get; init; } = new();
}

public sealed record Usersets
{
    [JsonPropertyName("child")]
    public IReadOnlyList<Userset> Child { get; init; } = [];
}

public sealed record Difference
{
    [JsonPropertyName("base")]
    public Userset Base { get; init; } = new();

    [JsonPropertyName("subtract")]
    public Userset Subtract { get; init; } = new();
}
