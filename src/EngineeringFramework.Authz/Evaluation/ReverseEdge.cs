namespace EngineeringFramework.Authz.Evaluation;

internal enum ReverseEdgeKind
{
    /// <summary>The target relation's <c>[...]</c> allows the source: tuples <c>target#relation@source</c>.</summary>
    Direct,

    /// <summary>As <see cref="Direct"/>, through a <c>type:*</c> wildcard tuple.</summary>
    Wildcard,

    /// <summary>Same object, target relation computed from the source relation.</summary>
    Computed,

    /// <summary><c>relation from tupleset</c>: tuples <c>target#tupleset@source-object</c>.</summary>
    TupleToUserset,
}

/// <summary>
/// One step of reverse expansion: from "an object has a relation" to the relations that may follow from it.
/// <see cref="Certain"/> is true when the step sits only under unions, so it proves the target without a Check.
/// </summary>
internal sealed record ReverseEdge(ReverseEdgeKind Kind, RelationInfo Target, string Tupleset, bool Certain);
