using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Evaluation;

/// <summary>
/// A validated model compiled for evaluation: relation lookup, tuple acceptance, OpenFGA's "path exists" pruning
/// (which user types can reach which relation at all) and the reverse edges used by ListObjects.
/// </summary>
internal sealed class TypeSystem
{
    private readonly Dictionary<string, Dictionary<string, RelationInfo>> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<RelationInfo, HashSet<string>> _sources = [];
    private readonly Dictionary<(string Type, string Relation), List<ReverseEdge>> _reverse = [];
    private readonly Dictionary<string, List<ReverseEdge>> _seeds = new(StringComparer.Ordinal);

    public TypeSystem(string id, AuthorizationModel model)
    {
        Id = id;
        Model = model;
        foreach (var type in model.TypeDefinitions)
        {
            var relations = new Dictionary<string, RelationInfo>(StringComparer.Ordinal);
            foreach (var (name, rewrite) in type.Relations)
            {
                IReadOnlyList<RelationReference> direct = type.Metadata?.Relations is { } meta && meta.TryGetValue(name, out var m)
                    ? m.DirectlyRelatedUserTypes
                    : [];
                relations[name] = new RelationInfo(type.Type, name, RewriteNode.Compile(rewrite), direct);
            }

            _types[type.Type] = relations;
        }

        foreach (var relation in AllRelations())
        {
            MarkTuplesets(relation, relation.Rewrite);
        }

        ComputeSources();
        foreach (var relation in AllRelations())
        {
            AddReverseEdges(relation, relation.Rewrite, certain: true);
        }
    }

    public string Id { get; }

    public AuthorizationModel Model { get; }

    public bool HasType(string type) => _types.ContainsKey(type);

    public bool TryGetRelation(string type, string relation, out RelationInfo info)
    {
        info = null!;
        return _types.TryGetValue(type, out var relations) && relations.TryGetValue(relation, out info!);
    }

    /// <summary>
    /// OpenFGA's pruning: false when no chain of model edges leads from the user's type (or its wildcard,
    /// or the userset <c>type#relation</c>) to the relation, so the answer is false without reading tuples.
    /// </summary>
    public bool PathExists(string label, string? wildcardLabel, RelationInfo relation)
    {
        var sources = _sources[relation];
        return sources.Contains(label) || (wildcardLabel is not null && sources.Contains(wildcardLabel));
    }

    /// <summary>The labels <see cref="PathExists(string, string?, RelationInfo)"/> takes for a user.</summary>
    public static (string Label, string? WildcardLabel) LabelsOf(in TupleUser user) =>
        user.Relation is { } relation ? (user.Type + "#" + relation, null) : (user.Type, user.Type + ":*");

    /// <summary>As <see cref="PathExists"/> for a ListUsers filter.</summary>
    public bool PathExists(UserTypeFilter filter, RelationInfo relation)
    {
        var sources = _sources[relation];
        return filter.Relation is { } userRelation
            ? sources.Contains(filter.Type + "#" + userRelation)
            : sources.Contains(filter.Type) || sources.Contains(filter.Type + ":*");
    }

    public IReadOnlyList<ReverseEdge> ReverseEdgesFrom(string type, string relation) =>
        _reverse.TryGetValue((type, relation), out var edges) ? edges : [];

    public IReadOnlyList<ReverseEdge> SeedEdgesFor(string userType) =>
        _seeds.TryGetValue(userType, out var edges) ? edges : [];

    private IEnumerable<RelationInfo> AllRelations()
    {
        foreach (var relations in _types.Values)
        {
            foreach (var relation in relations.Values)
            {
                yield return relation;
            }
        }
    }

    private void MarkTuplesets(RelationInfo owner, RewriteNode node)
    {
        if (node.Kind == RewriteKind.TupleToUserset && TryGetRelation(owner.Type, node.Tupleset, out var tupleset))
        {
            tupleset.IsTupleset = true;
        }

        foreach (var child in node.Children)
        {
            MarkTuplesets(owner, child);
        }
    }

    // Labels that reach each relation, computed to a fixed point: "user", "user:*" and "group#member".
    private void ComputeSources()
    {
        foreach (var relation in AllRelations())
        {
            _sources[relation] = new HashSet<string>(StringComparer.Ordinal);
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var relation in AllRelations())
            {
                changed |= CollectSources(relation, relation.Rewrite, _sources[relation]);
            }
        }
        while (changed);
    }

    private bool CollectSources(RelationInfo owner, RewriteNode node, HashSet<string> into)
    {
        var changed = false;
        switch (node.Kind)
        {
            case RewriteKind.Direct:
                foreach (var reference in owner.DirectTypes)
                {
                    changed |= into.Add(reference.ToString());
                    if (reference.Relation is not null && TryGetRelation(reference.Type, reference.Relation, out var via))
                    {
                        changed |= AddAll(into, via);
                    }
                }

                break;
            case RewriteKind.Computed:
                if (TryGetRelation(owner.Type, node.Relation, out var computed))
                {
                    changed |= into.Add(owner.Type + "#" + node.Relation);
                    changed |= AddAll(into, computed);
                }

                break;
            case RewriteKind.TupleToUserset:
                if (TryGetRelation(owner.Type, node.Tupleset, out var tupleset))
                {
                    foreach (var reference in tupleset.DirectTypes)
                    {
                        if (TryGetRelation(reference.Type, node.Relation, out var target))
                        {
                            changed |= into.Add(reference.Type + "#" + node.Relation);
                            changed |= AddAll(into, target);
                        }
                    }
                }

                break;
            default:
                foreach (var child in node.Children)
                {
                    changed |= CollectSources(owner, child, into);
                }

                break;
        }

        return changed;
    }

    private bool AddAll(HashSet<string> into, RelationInfo from)
    {
        var changed = false;
        foreach (var label in _sources[from])
        {
            changed |= into.Add(label);
        }

        return changed;
    }

    // A subtracted operand never grants a relation, so it adds no reverse edge.
    private void AddReverseEdges(RelationInfo owner, RewriteNode node, bool certain)
    {
        switch (node.Kind)
        {
            case RewriteKind.Direct:
                foreach (var reference in owner.DirectTypes)
                {
                    if (reference.Relation is { } userRelation)
                    {
                        Edge((reference.Type, userRelation), new ReverseEdge(ReverseEdgeKind.Direct, owner, "", certain));
                    }
                    else
                    {
                        var kind = reference.IsWildcard ? ReverseEdgeKind.Wildcard : ReverseEdgeKind.Direct;
                        if (!_seeds.TryGetValue(reference.Type, out var seeds))
                        {
                            _seeds[reference.Type] = seeds = [];
                        }

                        seeds.Add(new ReverseEdge(kind, owner, "", certain));
                    }
                }

                break;
            case RewriteKind.Computed:
                Edge((owner.Type, node.Relation), new ReverseEdge(ReverseEdgeKind.Computed, owner, "", certain));
                break;
            case RewriteKind.TupleToUserset:
                if (TryGetRelation(owner.Type, node.Tupleset, out var tupleset))
                {
                    foreach (var reference in tupleset.DirectTypes)
                    {
                        if (reference.Relation is null && !reference.IsWildcard)
                        {
                            Edge((reference.Type, node.Relation), new ReverseEdge(ReverseEdgeKind.TupleToUserset, owner, node.Tupleset, certain));
                        }
                    }
                }

                break;
            case RewriteKind.Union:
                foreach (var child in node.Children)
                {
                    AddReverseEdges(owner, child, certain);
                }

                break;
            case RewriteKind.Intersection:
                foreach (var child in node.Children)
                {
                    AddReverseEdges(owner, child, certain: false);
                }

                break;
            case RewriteKind.Difference:
                AddReverseEdges(owner, node.Children[0], certain: false);
                break;
        }
    }

    private void Edge((string, string) from, ReverseEdge edge)
    {
        if (!_reverse.TryGetValue(from, out var edges))
        {
            _reverse[from] = edges = [];
        }

        if (!edges.Contains(edge))
        {
            edges.Add(edge);
        }
    }
}
