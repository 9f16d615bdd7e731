namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// Check with OpenFGA's semantics (internal/graph check resolver), evaluated sequentially: a path-scoped
/// visited set turns cycles into false, usersets and tuple-to-usersets count toward the depth limit of 25,
/// and operators combine outcomes as OpenFGA's union / intersection / exclusion reducers do.
/// One instance serves one request with one user.
/// </summary>
internal sealed class Checker
{
    public const int MaxDepth = 25;

    private TypeSystem _types;
    private TupleReader _reader;
    private readonly HashSet<(string Type, string Id, string Relation)> _visited = [];
    private readonly Stack<List<TupleUser>> _buffers = new();
    private TupleUser _user;
    private string _label = "";
    private string? _wildcardLabel;

    public Checker(TypeSystem types, TupleReader reader)
    {
        _types = types;
        _reader = reader;
    }

    /// <summary>Points a pooled checker at another request.</summary>
    public void Reset(TypeSystem types, TupleReader reader)
    {
        _types = types;
        _reader = reader;
    }

    /// <summary>Whether the user has the relation on the object; throws 2002 when resolution is too deep.</summary>
    public bool Check(in TupleUser user, string objectType, string objectId, RelationInfo relation)
    {
        if (!_user.Equals(user))
        {
            _user = user;
            (_label, _wildcardLabel) = TypeSystem.LabelsOf(user);
        }

        _visited.Clear();
        var outcome = Resolve(objectType, objectId, relation, 0);
        return outcome == Outcome.Error
            ? throw new AuthzException(AuthzErrorCode.ResolutionTooComplex, "resolution too complex: the authorization model resolution exceeded the depth limit of 25")
            : outcome == Outcome.True;
    }

    private Outcome Resolve(string objectType, string objectId, RelationInfo relation, int depth)
    {
        if (depth == MaxDepth)
        {
            return Outcome.Error;
        }

        var key = (objectType, objectId, relation.Name);
        if (!_visited.Add(key))
        {
            return Outcome.Cycle;
        }

        try
        {
            // A userset user "doc:1#viewer" trivially has "viewer" on "doc:1".
            if (_user.Relation == relation.Name && _user.Id == objectId && _user.Type == objectType)
            {
                return Outcome.True;
            }

            if (!_types.PathExists(_label, _wildcardLabel, relation))
            {
                return Outcome.False;
            }

            return Evaluate(objectType, objectId, relation, relation.Rewrite, depth);
        }
        finally
        {
            _visited.Remove(key);
        }
    }

    private Outcome Evaluate(string objectType, string objectId, RelationInfo relation, RewriteNode node, int depth)
    {
        switch (node.Kind)
        {
            case RewriteKind.Direct:
                return Direct(objectType, objectId, relation, depth);
            case RewriteKind.Computed:
                return _types.TryGetRelation(objectType, node.Relation, out var computed)
                    ? Resolve(objectType, objectId, computed, depth)
                    : Outcome.False;
            case RewriteKind.TupleToUserset:
                return TupleToUserset(objectType, objectId, node, depth);
            case RewriteKind.Union:
                {
                    var combined = Outcome.False;
                    foreach (var child in node.Children)
                    {
                        var outcome = Evaluate(objectType, objectId, relation, child, depth);
                        if (outcome == Outcome.True)
                        {
                            return Outcome.True;
                        }

                        combined = Worse(combined, outcome);
                    }

                    return combined;
                }

            case RewriteKind.Intersection:
                {
                    var failed = false;
                    foreach (var child in node.Children)
                    {
                        var outcome = Evaluate(objectType, objectId, relation, child, depth);
                        if (outcome is Outcome.False or Outcome.Cycle)
                        {
                            return outcome;
                        }

                        failed |= outcome == Outcome.Error;
                    }

                    return failed ? Outcome.Error : Outcome.True;
                }

            default:
                {
                    var baseOutcome = Evaluate(objectType, objectId, relation, node.Children[0], depth);
                    if (baseOutcome is Outcome.False or Outcome.Cycle)
                    {
                        return baseOutcome;
                    }

                    var subtract = Evaluate(objectType, objectId, relation, node.Children[1], depth);
                    return subtract switch
                    {
                        Outcome.True => Outcome.False,
                        Outcome.Cycle => Outcome.Cycle,
                        Outcome.Error => Outcome.Error,
                        _ => baseOutcome,
                    };
                }
        }
    }

    // For a union of failed operands: an error beats a cycle, a cycle beats plain false.
    private static Outcome Worse(Outcome current, Outcome next) =>
        current == Outcome.Error || next == Outcome.Error ? Outcome.Error
        : current == Outcome.Cycle || next == Outcome.Cycle ? Outcome.Cycle
        : Outcome.False;

    private Outcome Direct(string objectType, string objectId, RelationInfo relation, int depth)
    {
        // The exact tuple, when the relation allows the user's type (or userset) directly.
        var directlyRelated = _user.Relation is { } userRelation
            ? relation.AllowsUserset(_user.Type, userRelation)
            : relation.AllowsType(_user.Type);
        if (directlyRelated && _reader.Contains(objectType, objectId, relation, _user))
        {
            return Outcome.True;
        }

        if (_user.Relation is null && relation.AllowsWildcard(_user.Type)
            && _reader.Contains(objectType, objectId, relation, new TupleUser(_user.Type, TupleUser.WildcardId, null)))
        {
            return Outcome.True;
        }

        if (relation.UsersetTypes.Length == 0)
        {
            return Outcome.False;
        }

        var users = Rent();
        try
        {
            _reader.ReadUsers(objectType, objectId, relation, users);
            var combined = Outcome.False;
            foreach (var user in users)
            {
                if (user.Relation is null || !_types.TryGetRelation(user.Type, user.Relation, out var target))
                {
                    continue;
                }

                var outcome = Resolve(user.Type, user.Id, target, depth + 1);
                if (outcome == Outcome.True)
                {
                    return Outcome.True;
                }

                combined = Worse(combined, outcome);
            }

            return combined;
        }
        finally
        {
            Return(users);
        }
    }

    private Outcome TupleToUserset(string objectType, string objectId, RewriteNode node, int depth)
    {
        if (!_types.TryGetRelation(objectType, node.Tupleset, out var tupleset))
        {
            return Outcome.False;
        }

        var parents = Rent();
        try
        {
            _reader.ReadUsers(objectType, objectId, tupleset, parents);
            var combined = Outcome.False;
            foreach (var parent in parents)
            {
                // A parent type without the computed relation is skipped, as OpenFGA does.
                if (!_types.TryGetRelation(parent.Type, node.Relation, out var target))
                {
                    continue;
                }

                var outcome = Resolve(parent.Type, parent.Id, target, depth + 1);
                if (outcome == Outcome.True)
                {
                    return Outcome.True;
                }

                combined = Worse(combined, outcome);
            }

            return combined;
        }
        finally
        {
            Return(parents);
        }
    }

    private List<TupleUser> Rent() => _buffers.Count > 0 ? _buffers.Pop() : [];

    private void Return(List<TupleUser> list)
    {
        list.Clear();
        _buffers.Push(list);
    }
}
