using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Evaluation;

/// <summary>A relation of a compiled model: its rewrite and its direct type restrictions, pre-split for fast tests.</summary>
internal sealed class RelationInfo
{
    public RelationInfo(string type, string name, RewriteNode rewrite, IReadOnlyList<RelationReference> directTypes)
    {
        Type = type;
        Name = name;
        Rewrite = rewrite;
        DirectTypes = [.. directTypes];
        var usersets = new List<RelationReference>();
        foreach (var reference in DirectTypes)
        {
            if (reference.Relation is not null)
            {
                usersets.Add(reference);
            }
        }

        UsersetTypes = [.. usersets];
    }

    public string Type { get; }

    public string Name { get; }

    public RewriteNode Rewrite { get; }

    public RelationReference[] DirectTypes { get; }

    /// <summary>The direct types of the form <c>type#relation</c>.</summary>
    public RelationReference[] UsersetTypes { get; }

    /// <summary>True when some <c>x from {Name}</c> uses this relation as a tupleset.</summary>
    public bool IsTupleset { get; set; }

    public bool AllowsType(string userType)
    {
        foreach (var reference in DirectTypes)
        {
            if (reference.Relation is null && !reference.IsWildcard && reference.Type == userType)
            {
                return true;
            }
        }

        return false;
    }

    public bool AllowsWildcard(string userType)
    {
        foreach (var reference in DirectTypes)
        {
            if (reference.IsWildcard && reference.Type == userType)
            {
                return true;
            }
        }

        return false;
    }

    public bool AllowsUserset(string userType, string userRelation)
    {
        foreach (var reference in UsersetTypes)
        {
            if (reference.Type == userType && reference.Relation == userRelation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a stored tuple with this user still fits the model, as OpenFGA's read filter decides; tuples that
    /// do not fit (e.g. written under an older model) are skipped, never reported.
    /// </summary>
    public bool Accepts(in TupleUser user)
    {
        if (IsTupleset && (user.IsWildcard || user.IsUserset))
        {
            return false;
        }

        if (user.Relation is { } relation)
        {
            return AllowsUserset(user.Type, relation);
        }

        return user.IsWildcard ? AllowsWildcard(user.Type) : AllowsType(user.Type);
    }
}
