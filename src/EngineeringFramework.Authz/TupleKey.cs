namespace EngineeringFramework.Authz;

/// <summary>A relationship tuple in OpenFGA's string form: <c>user</c> has <c>relation</c> on <c>object</c>.</summary>
public readonly record struct TupleKey(string Object, string Relation, string User)
{
    public override string ToString() => $"{Object}#{Relation}@{User}";
}
