namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// ListObjects by reverse expansion: starting from the user, follow the model's edges backwards through
/// tuples to every object#relation the user may hold. A step taken only under unions proves membership;
/// anything reached through an intersection or an exclusion is a candidate confirmed with Check, so every
/// returned object passes Check and no object is returned twice.
/// </summary>
internal sealed class ObjectLister
{
    private readonly TypeSystem _types;
    private readonly TupleReader _reader;
    private readonly Checker _checker;
    private readonly Dictionary<(string Type, string Id, string Relation), bool> _seen = [];
    private readonly Queue<(string Type, string Id, RelationInfo Relation, bool Certain)> _queue = new();
    private readonly List<string> _ids = [];

    public ObjectLister(TypeSystem types, TupleReader reader, Checker checker)
    {
        _types = types;
        _reader = reader;
        _checker = checker;
    }

    public List<string> List(in TupleUser user, RelationInfo target, int maxResults)
    {
        if (user.Relation is { } userRelation && _types.TryGetRelation(user.Type, userRelation, out var start))
        {
            // A userset user holds its own relation; expansion continues from it.
            Visit(user.Type, user.Id, start, certain: true);
        }
        else
        {
            Seed(user);
        }

        var certain = new List<string>();
        var candidates = new List<string>();
        while (_queue.Count > 0)
        {
            var (type, id, relation, isCertain) = _queue.Dequeue();
            if (relation == target)
            {
                (isCertain ? certain : candidates).Add(id);
            }

            Expand(type, id, relation, isCertain);
        }

        var result = new List<string>(certain.Count + candidates.Count);
        var returned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in certain)
        {
            if (returned.Add(id))
            {
                result.Add(target.Type + ":" + id);
                if (maxResults > 0 && result.Count >= maxResults)
                {
                    return result;
                }
            }
        }

        foreach (var id in candidates)
        {
            if (!returned.Contains(id) && _checker.Check(user, target.Type, id, target) && returned.Add(id))
            {
                result.Add(target.Type + ":" + id);
                if (maxResults > 0 && result.Count >= maxResults)
                {
                    return result;
                }
            }
        }

        return result;
    }

    private void Seed(in TupleUser user)
    {
        foreach (var edge in _types.SeedEdgesFor(user.Type))
        {
            var lookup = edge.Kind == ReverseEdgeKind.Wildcard ? new TupleUser(user.Type, TupleUser.WildcardId, null) : user;
            VisitAll(edge.Target, edge.Certain, lookup);
        }
    }

    private void Expand(string type, string id, RelationInfo relation, bool certain)
    {
        foreach (var edge in _types.ReverseEdgesFrom(type, relation.Name))
        {
            var isCertain = certain && edge.Certain;
            switch (edge.Kind)
            {
                case ReverseEdgeKind.Computed:
                    Visit(type, id, edge.Target, isCertain);
                    break;
                case ReverseEdgeKind.TupleToUserset:
                    if (_types.TryGetRelation(edge.Target.Type, edge.Tupleset, out var tupleset))
                    {
                        _ids.Clear();
                        _reader.ReadObjects(tupleset, new TupleUser(type, id, null), _ids);
                        foreach (var objectId in _ids)
                        {
                            Visit(edge.Target.Type, objectId, edge.Target, isCertain);
                        }
                    }

                    break;
                default:
                    VisitAll(edge.Target, isCertain, new TupleUser(type, id, relation.Name));
                    break;
            }
        }
    }

    private void VisitAll(RelationInfo target, bool certain, in TupleUser user)
    {
        _ids.Clear();
        _reader.ReadObjects(target, user, _ids);
        foreach (var objectId in _ids)
        {
            Visit(target.Type, objectId, target, certain);
        }
    }

    // A node is expanded again only if it is now proven where before it was merely a candidate.
    private void Visit(string type, string id, RelationInfo relation, bool certain)
    {
        var key = (type, id, relation.Name);
        if (_seen.TryGetValue(key, out var wasCertain) && (wasCertain || !certain))
        {
            return;
        }

        _seen[key] = certain;
        _queue.Enqueue((type, id, relation, certain));
    }
}
