namespace EngineeringFramework.Authz.Evaluation;

/// <summary>Checks request fields and contextual tuples against the model, failing with OpenFGA's codes.</summary>
internal static class RequestValidator
{
    /// <summary>A user in a query (Check / ListObjects): malformed or undefined parts are code 2000.</summary>
    public static TupleUser ParseQueryUser(TypeSystem types, string user)
    {
        if (!TupleUser.TryParse(user, out var parsed))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, $"invalid 'user' field: '{user}'");
        }

        if (!types.HasType(parsed.Type))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, $"type '{parsed.Type}' of user '{user}' not found");
        }

        if (parsed.Relation is { } relation && !types.TryGetRelation(parsed.Type, relation, out _))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, $"relation '{parsed.Type}#{relation}' of user '{user}' not found");
        }

        return parsed;
    }

    /// <summary>The object and relation of a Check: any problem is code 2000, as in OpenFGA's Check.</summary>
    public static (string Type, string Id, RelationInfo Relation) ParseCheckTarget(TypeSystem types, string obj, string relation)
    {
        if (!ObjectId.TryParse(obj, allowWildcard: false, out var type, out var id))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, $"invalid 'object' field: '{obj}'");
        }

        if (!types.TryGetRelation(type, relation, out var info))
        {
            throw new AuthzException(AuthzErrorCode.ValidationError, types.HasType(type)
                ? $"relation '{type}#{relation}' not found"
                : $"type '{type}' not found");
        }

        return (type, id, info);
    }

    /// <summary>A type and relation named by a list request: 2021 when the type is unknown, 2022 for the relation.</summary>
    public static RelationInfo RequireRelation(TypeSystem types, string type, string relation)
    {
        if (!types.HasType(type))
        {
            throw new AuthzException(AuthzErrorCode.TypeNotFound, $"type '{type}' not found");
        }

        return types.TryGetRelation(type, relation, out var info)
            ? info
            : throw new AuthzException(AuthzErrorCode.RelationNotFound, $"relation '{type}#{relation}' not found");
    }

    public static void ValidateFilter(TypeSystem types, UserTypeFilter filter)
    {
        if (filter.Relation is null)
        {
            if (!types.HasType(filter.Type))
            {
                throw new AuthzException(AuthzErrorCode.TypeNotFound, $"type '{filter.Type}' not found");
            }

            return;
        }

        RequireRelation(types, filter.Type, filter.Relation);
    }

    /// <summary>Parses contextual tuples, each checked as a write would be (code 2027 when invalid).</summary>
    public static List<ContextualTuple> ParseContextual(TypeSystem types, IReadOnlyList<TupleKey> tuples)
    {
        var result = new List<ContextualTuple>(tuples.Count);
        foreach (var tuple in tuples)
        {
            result.Add(ValidateForWrite(types, tuple));
        }

        return result;
    }

    /// <summary>OpenFGA's ValidateTupleForWrite: well formed, defined, and allowed by the relation's type restrictions.</summary>
    public static ContextualTuple ValidateForWrite(TypeSystem types, TupleKey tuple)
    {
        if (!ObjectId.TryParse(tuple.Object, allowWildcard: false, out var type, out var id))
        {
            throw Invalid(tuple, "invalid 'object' field");
        }

        if (!TupleUser.TryParse(tuple.User, out var user))
        {
            throw Invalid(tuple, "invalid 'user' field");
        }

        if (!types.HasType(user.Type) || (user.Relation is { } userRelation && !types.TryGetRelation(user.Type, userRelation, out _)))
        {
            throw Invalid(tuple, $"the user '{tuple.User}' refers to an undefined type or relation");
        }

        if (!types.HasType(type))
        {
            throw Invalid(tuple, $"type '{type}' not found");
        }

        if (!types.TryGetRelation(type, tuple.Relation, out var relation))
        {
            throw Invalid(tuple, $"relation '{type}#{tuple.Relation}' not found");
        }

        if (!relation.Accepts(user))
        {
            throw Invalid(tuple, $"'{tuple.User}' is not an allowed type for '{type}#{tuple.Relation}'");
        }

        return new ContextualTuple(type, id, relation.Name, user);
    }

    private static AuthzException Invalid(TupleKey tuple, string why) =>
        new(AuthzErrorCode.InvalidTuple, $"invalid tuple '{tuple}': {why}");
}
