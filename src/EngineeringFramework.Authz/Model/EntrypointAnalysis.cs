namespace EngineeringFramework.Authz.Model;

/// <summary>
/// Decides, as OpenFGA does when a model is written, whether a relation can ever contain a user
/// (has an "entry point": a direct type, a wildcard, or a path to one) and whether it is defined
/// through a loop of computed relations only. Behaviour follows OpenFGA's typesystem, including
/// how visited relations are remembered across operands.
/// </summary>
internal static class EntrypointAnalysis
{
    // Outer map per type is copied per call; the per-type maps are shared, matching OpenFGA's shallow copy.
    private sealed class Visited : Dictionary<string, Dictionary<string, bool>>
    {
        public Visited()
            : base(StringComparer.Ordinal)
        {
        }

        public Visited(Visited other)
            : base(other, StringComparer.Ordinal)
        {
        }

        public bool TryGet(string type, string relation, out bool value)
        {
            value = false;
            return TryGetValue(type, out var relations) && relations.TryGetValue(relation, out value);
        }
    }

    public static (bool HasEntrypoint, bool Loop) HasEntrypoint(
        IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation, Userset rewrite) =>
        Walk(types, type, relation, rewrite, new Visited());

    public static bool HasComputedCycle(IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation) =>
        CycleWalk(types, type, relation, types[type].Relations[relation], new HashSet<string>(StringComparer.Ordinal));

    private static (bool, bool) Walk(IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation, Userset rewrite, Visited visited)
    {
        var v = new Visited(visited);
        if (v.TryGetValue(type, out var marks))
        {
            marks[relation] = false;
        }
        else
        {
            v[type] = new Dictionary<string, bool>(StringComparer.Ordinal) { [relation] = false };
        }

        if (rewrite.This is not null)
        {
            foreach (var reference in DirectTypes(types, type, relation))
            {
                if (reference.Relation is null)
                {
                    v[type][relation] = true;
                    return (true, false);
                }

                if (!TryRewrite(types, reference.Type, reference.Relation, out var target) || v.TryGet(reference.Type, reference.Relation, out _))
                {
                    continue;
                }

                if (Walk(types, reference.Type, reference.Relation, target, v).Item1)
                {
                    return (true, false);
                }
            }

            return (false, false);
        }

        if (rewrite.ComputedUserset is { Relation: { } computed })
        {
            if (!TryRewrite(types, type, computed, out var target))
            {
                return (false, false);
            }

            return v.TryGet(type, computed, out var known) ? (known, true) : Walk(types, type, computed, target, v);
        }

        if (rewrite.TupleToUserset is { } ttu)
        {
            var computedRelation = ttu.ComputedUserset.Relation ?? "";
            foreach (var reference in DirectTypes(types, type, ttu.Tupleset.Relation ?? ""))
            {
                if (!TryRewrite(types, reference.Type, computedRelation, out var target))
                {
                    continue;
                }

                if (v.TryGet(reference.Type, computedRelation, out var known))
                {
                    if (known)
                    {
                        return (true, false);
                    }

                    continue;
                }

                if (Walk(types, reference.Type, computedRelation, target, v).Item1)
                {
                    return (true, false);
                }
            }

            return (false, false);
        }

        if (rewrite.Union is { } union)
        {
            var loop = false;
            foreach (var child in union.Child)
            {
                var (has, childLoop) = Walk(types, type, relation, child, visited);
                if (has)
                {
                    return (true, false);
                }

                loop |= childLoop;
            }

            return (false, loop);
        }

        if (rewrite.Intersection is { } intersection)
        {
            foreach (var child in intersection.Child)
            {
                var (has, childLoop) = Walk(types, type, relation, child, visited);
                if (!has)
                {
                    return (false, childLoop);
                }
            }

            return (true, false);
        }

        if (rewrite.Difference is { } difference)
        {
            var (hasBase, baseLoop) = Walk(types, type, relation, difference.Base, visited);
            if (!hasBase)
            {
                return (false, baseLoop);
            }

            var (hasSubtract, subtractLoop) = Walk(types, type, relation, difference.Subtract, visited);
            return hasSubtract ? (true, false) : (false, subtractLoop);
        }

        return (false, false);
    }

    private static bool CycleWalk(IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation, Userset rewrite, HashSet<string> visited)
    {
        visited.Add(type + "#" + relation);
        var copy = new HashSet<string>(visited, StringComparer.Ordinal);
        if (rewrite.ComputedUserset is { Relation: { } computed })
        {
            if (visited.Contains(type + "#" + computed))
            {
                return true;
            }

            return TryRewrite(types, type, computed, out var target) && CycleWalk(types, type, computed, target, copy);
        }

        IEnumerable<Userset> children = rewrite.Union?.Child ?? rewrite.Intersection?.Child
            ?? (rewrite.Difference is { } d ? [d.Base, d.Subtract] : []);
        foreach (var child in children)
        {
            if (CycleWalk(types, type, relation, child, copy))
            {
                return true;
            }
        }

        return false;
    }

    private static IReadOnlyList<RelationReference> DirectTypes(IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation) =>
        types.TryGetValue(type, out var definition)
        && definition.Metadata?.Relations is { } relations
        && relations.TryGetValue(relation, out var metadata)
            ? metadata.DirectlyRelatedUserTypes
            : [];

    private static bool TryRewrite(IReadOnlyDictionary<string, TypeDefinition> types, string type, string relation, out Userset rewrite)
    {
        rewrite = null!;
        return types.TryGetValue(type, out var definition) && definition.Relations.TryGetValue(relation, out rewrite!);
    }
}
