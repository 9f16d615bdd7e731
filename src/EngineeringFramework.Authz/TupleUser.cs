namespace EngineeringFramework.Authz;

/// <summary>
/// The user side of a tuple, split: <c>user:anne</c> (object), <c>user:*</c> (wildcard, <see cref="Id"/> is "*")
/// or <c>group:eng#member</c> (userset, <see cref="Relation"/> set).
/// </summary>
public readonly record struct TupleUser(string Type, string Id, string? Relation)
{
    public const string WildcardId = "*";

    public bool IsWildcard => Id == WildcardId;

    public bool IsUserset => Relation is not null;

    public override string ToString() => Relation is null ? Type + ":" + Id : Type + ":" + Id + "#" + Relation;

    /// <summary>Parses <c>type:id</c>, <c>type:*</c> or <c>type:id#relation</c>; false when malformed.</summary>
    public static bool TryParse(string text, out TupleUser user)
    {
        user = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var objectPart = hash < 0 ? text : text[..hash];
        string? relation = hash < 0 ? null : text[(hash + 1)..];
        if (relation is { Length: 0 } || (relation is not null && !ObjectId.IsName(relation)))
        {
            return false;
        }

        if (!ObjectId.TryParse(objectPart, allowWildcard: true, out var type, out var id))
        {
            return false;
        }

        if (relation is not null && id == WildcardId)
        {
            return false;
        }

        user = new TupleUser(type, id, relation);
        return true;
    }
}
