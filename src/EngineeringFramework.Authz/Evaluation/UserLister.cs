namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// ListUsers following OpenFGA's expansion (pkg/server/commands/listusers): walk the rewrite from the object
/// downwards, report plain users of the filter's type met in direct tuples (including <c>type:*</c>), and
/// every <c>object#relation</c> visited that matches a userset filter. The depth limit (25 expansions on a
/// path) and path-scoped cycle cut are OpenFGA's. Each candidate is then confirmed with Check, which applies
/// intersections and exclusions exactly, so every returned user passes Check.
/// </summary>
internal sealed class UserLister
{
    private readonly TypeSystem _types;
    private readonly TupleReader _reader;
    private readonly Checker _checker;
    private readonly IReadOnlyList<UserTypeFilter> _filters;
    private readonly HashSet<(string Type, string Id, string Relation)> _path = [];
    private readonly Dictionary<(string Type, string Id, string Relation), (int Depth, bool Report)> _expanded = [];
    private readonly HashSet<TupleUser> _found = [];
    private readonly List<TupleUser> _order = [];
    private bool _tooComplex;

    public UserLister(TypeSystem types, TupleReader reader, Checker checker, IReadOnlyList<UserTypeFilter> filters)
    {
        _types = types;
        _reader = reader;
        _checker = checker;
        _filters = filters;
    }

    public List<string> List(string objectType, string objectId, RelationInfo relation)
    {
        Expand(objectType, objectId, relation.Name, 0, report: true);
        if (_tooComplex)
        {
            throw new AuthzException(AuthzErrorCode.ResolutionTooComplex, "resolution too complex: the authorization model resolution exceeded the depth limit of 25");
        }

        var result = new List<string>(_order.Count);
        foreach (var user in _order)
        {
            if (_checker.Check(user, objectType, objectId, relation))
            {
                result.Add(user.ToString());
            }
        }

        return result;
    }

    private void Expand(string type, string id, string relationName, int depth, bool report)
    {
        if (depth >= Checker.MaxDepth)
        {
            _tooComplex = true;
            return;
        }

        depth++;
        var key = (type, id, relationName);

        // Expanded before with less depth budget left (and reporting if we report): nothing new can come of it.
        if (_path.Contains(key) || (_expanded.TryGetValue(key, out var previous) && depth <= previous.Depth && (previous.Report || !report)))
        {
            return;
        }

        _expanded[key] = (depth, report);
        if (report)
        {
            foreach (var filter in _filters)
            {
                if (filter.Type == type && filter.Relation == relationName)
                {
                    Report(new TupleUser(type, id, relationName));
                }
            }
        }

        if (!_types.TryGetRelation(type, relationName, out var relation))
        {
            return;
        }

        _path.Add(key);
        ExpandRewrite(type, id, relation, relation.Rewrite, depth, report);
        _path.Remove(key);
    }

    private void ExpandRewrite(string type, string id, RelationInfo relation, RewriteNode node, int depth, bool report)
    {
        switch (node.Kind)
        {
            case RewriteKind.Direct:
                {
                    var users = new List<TupleUser>();
                    _reader.ReadUsers(type, id, relation, users);
                    foreach (var user in users)
                    {
                        if (user.Relation is { } userRelation)
                        {
                            Expand(user.Type, user.Id, userRelation, depth, report);
                        }
                        else if (report && MatchesTypeFilter(user.Type))
                        {
                            Report(user);
                        }
                    }

                    break;
                }

            case RewriteKind.Computed:
                Expand(type, id, node.Relation, depth, report);
                break;
            case RewriteKind.TupleToUserset:
                if (_types.TryGetRelation(type, node.Tupleset, out var tupleset))
                {
                    var parents = new List<TupleUser>();
                    _reader.ReadUsers(type, id, tupleset, parents);
                    foreach (var parent in parents)
                    {
                        Expand(parent.Type, parent.Id, node.Relation, depth, report);
                    }
                }

                break;
            case RewriteKind.Difference:
                ExpandRewrite(type, id, relation, node.Children[0], depth, report);

                // The subtracted side grants nobody, but OpenFGA still walks it, so its depth errors surface.
                ExpandRewrite(type, id, relation, node.Children[1], depth, report: false);
                break;
            default:
                foreach (var child in node.Children)
                {
                    ExpandRewrite(type, id, relation, child, depth, report);
                }

                break;
        }
    }

    private bool MatchesTypeFilter(string userType)
    {
        foreach (var filter in _filters)
        {
            if (filter.Relation is null && filter.Type == userType)
            {
                return true;
            }
        }

        return false;
    }

    private void Report(TupleUser user)
    {
        if (_found.Add(user))
        {
            _order.Add(user);
        }
    }
}
