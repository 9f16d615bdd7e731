using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Evaluation;

internal enum RewriteKind
{
    Direct,
    Computed,
    TupleToUserset,
    Union,
    Intersection,
    Difference,
}

/// <summary>A relation rewrite compiled from <see cref="Userset"/> into a compact tree walked by the evaluators.</summary>
internal sealed class RewriteNode
{
    private RewriteNode(RewriteKind kind, string relation, string tupleset, RewriteNode[] children)
    {
        Kind = kind;
        Relation = relation;
        Tupleset = tupleset;
        Children = children;
    }

    public RewriteKind Kind { get; }

    /// <summary>The computed relation (for <see cref="RewriteKind.Computed"/> and <see cref="RewriteKind.TupleToUserset"/>).</summary>
    public string Relation { get; }

    public string Tupleset { get; }

    /// <summary>Operands; for a difference, [base, subtract].</summary>
    public RewriteNode[] Children { get; }

    public static RewriteNode Compile(Userset rewrite)
    {
        if (rewrite.ComputedUserset is { } computed)
        {
            return new RewriteNode(RewriteKind.Computed, computed.Relation ?? "", "", []);
        }

        if (rewrite.TupleToUserset is { } ttu)
        {
            return new RewriteNode(RewriteKind.TupleToUserset, ttu.ComputedUserset.Relation ?? "", ttu.Tupleset.Relation ?? "", []);
        }

        if (rewrite.Union is { } union)
        {
            return new RewriteNode(RewriteKind.Union, "", "", CompileAll(union.Child));
        }

        if (rewrite.Intersection is { } intersection)
        {
            return new RewriteNode(RewriteKind.Intersection, "", "", CompileAll(intersection.Child));
        }

        if (rewrite.Difference is { } difference)
        {
            return new RewriteNode(RewriteKind.Difference, "", "", [Compile(difference.Base), Compile(difference.Subtract)]);
        }

        return new RewriteNode(RewriteKind.Direct, "", "", []);
    }

    private static RewriteNode[] CompileAll(IReadOnlyList<Userset> children)
    {
        var result = new RewriteNode[children.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Compile(children[i]);
        }

        return result;
    }
}
