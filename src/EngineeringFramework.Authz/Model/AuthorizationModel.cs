using System.Text.Json.Serialization;

namespace EngineeringFramework.Authz.Model;

/// <summary>An authorization model in the JSON shape of OpenFGA's API (schema 1.1).</summary>
public sealed record AuthorizationModel
{
    [JsonPropertyName("schema_version")]
    public string SchemaVersion { get; init; } = "1.1";

    [JsonPropertyName("type_definitions")]
    public IReadOnlyList<TypeDefinition> TypeDefinitions { get; init; } = [];
}

/// <summary>One <c>type</c> of a model with its relations and their direct type restrictions.</summary>
public sealed record TypeDefinition
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("relations")]
    public IReadOnlyDictionary<string, Userset> Relations { get; init; } = new Dictionary<string, Userset>();

    // The official transformer writes "metadata": null for a type without relations, so null is kept on output.
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public TypeMetadata? Metadata { get; init; }
}

public sealed record TypeMetadata
{
    [JsonPropertyName("relations")]
    public IReadOnlyDictionary<string, RelationMetadata> Relations { get; init; } = new Dictionary<string, RelationMetadata>();
}

public sealed record RelationMetadata
{
    [JsonPropertyName("directly_related_user_types")]
    public IReadOnlyList<RelationReference> DirectlyRelatedUserTypes { get; init; } = [];
}

/// <summary>A direct type restriction: <c>user</c>, <c>user:*</c> (wildcard) or <c>group#member</c> (relation).</summary>
public sealed record RelationReference
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("relation")]
    public string? Relation { get; init; }

    [JsonPropertyName("wildcard")]
    public WildcardMarker? Wildcard { get; init; }

    [JsonIgnore]
    public bool IsWildcard => Wildcard is not null;

    public override string ToString() =>
        IsWildcard ? Type + ":*" : Relation is null ? Type : Type + "#" + Relation;
}

/// <summary>The empty object <c>{}</c> that marks a wildcard restriction or a <c>this</c> rewrite.</summary>
public sealed record WildcardMarker;
