using EngineeringFramework.Authz.Dsl;

namespace EngineeringFramework.Authz.Model;

/// <summary>
/// Validates a model with the rules OpenFGA applies when a model is written (typesystem.NewAndValidate):
/// names, references, tupleset restrictions, type restrictions, entry points and computed-relation cycles.
/// Unlike OpenFGA it reports every problem, not only the first.
/// </summary>
public static class ModelValidator
{
    public static IReadOnlyList<ModelError> Validate(AuthorizationModel model, DslSourceMap? sourceMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<ModelError>();
        if (model.SchemaVersion != "1.1")
        {
            errors.Add(new ModelError(null, $"unsupported schema version '{model.SchemaVersion}': only 1.1 is supported"));
        }

        var types = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
        foreach (var type in model.TypeDefinitions)
        {
            if (!types.TryAdd(type.Type, type))
            {
                errors.Add(new ModelError(sourceMap?.LineOfType(type.Type), $"the type '{type.Type}' is defined more than once"));
            }
        }

        var context = new Context(types, sourceMap, errors);
        foreach (var type in types.Values)
        {
            ValidateNames(context, type);
            foreach (var (relation, rewrite) in type.Relations)
            {
                context.Failed = false;
                ValidateRewrite(context, type.Type, relation, rewrite);
                ValidateTypeRestrictions(context, type.Type, relation);
                if (!context.Failed)
                {
                    ValidateReachability(context, type.Type, relation, rewrite);
                }
            }
        }

        return errors;
    }

    private static void ValidateNames(Context context, TypeDefinition type)
    {
        if (type.Type.Length == 0 || type.Type.Contains(':', StringComparison.Ordinal) || type.Type.Contains('#', StringComparison.Ordinal))
        {
            context.Error(type.Type, null, $"invalid type name '{type.Type}'");
        }

        if (type.Type is "self" or "this")
        {
            context.Error(type.Type, null, $"the type name '{type.Type}' is a reserved keyword");
        }

        foreach (var relation in type.Relations.Keys)
        {
            if (relation is "self" or "this" || relation.Length == 0)
            {
                context.Error(type.Type, relation, $"the relation name '{relation}' of type '{type.Type}' is reserved or empty");
            }
        }
    }

    private static void ValidateRewrite(Context context, string type, string relation, Userset rewrite)
    {
        if (rewrite.ComputedUserset is { } computed)
        {
            var target = computed.Relation ?? "";
            if (target == relation)
            {
                context.Error(type, relation, $"the relation '{type}#{relation}' cannot be defined as itself");
            }
            else if (!context.HasRelation(type, target))
            {
                context.Error(type, relation, $"the relation '{target}' referenced by '{type}#{relation}' is not defined on type '{type}'");
            }
        }
        else if (rewrite.TupleToUserset is { } ttu)
        {
            ValidateTupleToUserset(context, type, relation, ttu);
        }
        else if (rewrite.Union is { } union)
        {
            ValidateChildren(context, type, relation, union.Child, "union");
        }
        else if (rewrite.Intersection is { } intersection)
        {
            ValidateChildren(context, type, relation, intersection.Child, "intersection");
        }
        else if (rewrite.Difference is { } difference)
        {
            ValidateRewrite(context, type, relation, difference.Base);
            ValidateRewrite(context, type, relation, difference.Subtract);
        }
        else if (rewrite.This is null)
        {
            context.Error(type, relation, $"the relation '{type}#{relation}' has an empty rewrite");
        }
    }

    private static void ValidateChildren(Context context, string type, string relation, IReadOnlyList<Userset> children, string kind)
    {
        if (children.Count < 2)
        {
            context.Error(type, relation, $"the {kind} of '{type}#{relation}' needs at least two operands");
        }

        foreach (var child in children)
        {
            ValidateRewrite(context, type, relation, child);
        }
    }

    private static void ValidateTupleToUserset(Context context, string type, string relation, TupleToUserset ttu)
    {
        var tupleset = ttu.Tupleset.Relation ?? "";
        var computed = ttu.ComputedUserset.Relation ?? "";
        if (!context.Types[type].Relations.TryGetValue(tupleset, out var tuplesetRewrite))
        {
            context.Error(type, relation, $"the tupleset relation '{tupleset}' in '{computed} from {tupleset}' is not defined on type '{type}'");
            return;
        }

        if (tuplesetRewrite.This is null)
        {
            context.Error(type, relation, $"the relation '{type}#{tupleset}' is used as a tupleset ('{computed} from {tupleset}') and so must be a plain direct relation");
        }

        var directTypes = context.DirectTypes(type, tupleset);
        var found = false;
        foreach (var reference in directTypes)
        {
            found |= context.HasRelation(reference.Type, computed);
        }

        if (!found)
        {
            context.Error(type, relation, $"the relation '{computed}' in '{computed} from {tupleset}' is not defined on any type allowed for '{type}#{tupleset}'");
        }
    }

    private static void ValidateTypeRestrictions(Context context, string type, string relation)
    {
        var directTypes = context.DirectTypes(type, relation);
        var assignable = ContainsThis(context.Types[type].Relations[relation]);
        if (assignable && directTypes.Count == 0)
        {
            context.Error(type, relation, $"the relation '{type}#{relation}' is directly assignable but has no allowed types");
        }

        if (!assignable && directTypes.Count > 0)
        {
            context.Error(type, relation, $"the relation '{type}#{relation}' lists allowed types but is not directly assignable");
        }

        var isTupleset = IsTupleset(context, type, relation);
        foreach (var reference in directTypes)
        {
            if (!context.Types.ContainsKey(reference.Type))
            {
                context.Error(type, relation, $"the type '{reference.Type}' allowed for '{type}#{relation}' is not defined");
                continue;
            }

            if ((reference.Relation is not null || reference.IsWildcard) && isTupleset)
            {
                context.Error(type, relation, $"the relation '{type}#{relation}' is used as a tupleset, so it cannot allow '{reference}'");
            }

            if (reference.Relation is { } userRelation && !context.HasRelation(reference.Type, userRelation))
            {
                context.Error(type, relation, $"the relation '{reference.Type}#{userRelation}' allowed for '{type}#{relation}' is not defined");
            }
        }
    }

    private static void ValidateReachability(Context context, string type, string relation, Userset rewrite)
    {
        var entry = EntrypointAnalysis.HasEntrypoint(context.Types, type, relation, rewrite);
        if (!entry.HasEntrypoint)
        {
            var why = entry.Loop ? "it only refers to itself in a loop" : "no user can ever be related to it";
            context.Error(type, relation, $"the relation '{type}#{relation}' has no entry point: {why}");
            return;
        }

        if (EntrypointAnalysis.HasComputedCycle(context.Types, type, relation))
        {
            context.Error(type, relation, $"the relation '{type}#{relation}' is defined through a cycle of computed relations");
        }
    }

    internal static bool ContainsThis(Userset rewrite) =>
        rewrite.This is not null
        || (rewrite.Union?.Child.Any(ContainsThis) ?? false)
        || (rewrite.Intersection?.Child.Any(ContainsThis) ?? false)
        || (rewrite.Difference is { } d && (ContainsThis(d.Base) || ContainsThis(d.Subtract)));

    private static bool IsTupleset(Context context, string type, string relation)
    {
        foreach (var rewrite in context.Types[type].Relations.Values)
        {
            if (ReferencesTupleset(rewrite, relation))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReferencesTupleset(Userset rewrite, string tupleset) =>
        rewrite.TupleToUserset?.Tupleset.Relation == tupleset
        || (rewrite.Union?.Child.Any(c => ReferencesTupleset(c, tupleset)) ?? false)
        || (rewrite.Intersection?.Child.Any(c => ReferencesTupleset(c, tupleset)) ?? false)
        || (rewrite.Difference is { } d && (ReferencesTupleset(d.Base, tupleset) || ReferencesTupleset(d.Subtract, tupleset)));

    private sealed class Context(Dictionary<string, TypeDefinition> types, DslSourceMap? map, List<ModelError> errors)
    {
        public Dictionary<string, TypeDefinition> Types { get; } = types;

        public bool Failed { get; set; }

        public bool HasRelation(string type, string relation) =>
            Types.TryGetValue(type, out var definition) && definition.Relations.ContainsKey(relation);

        public IReadOnlyList<RelationReference> DirectTypes(string type, string relation) =>
            Types.TryGetValue(type, out var definition)
            && definition.Metadata?.Relations is { } relations
            && relations.TryGetValue(relation, out var metadata)
                ? metadata.DirectlyRelatedUserTypes
                : [];

        public void Error(string type, string? relation, string message)
        {
            Failed = true;
            var line = relation is null ? map?.LineOfType(type) : map?.LineOfRelation(type, relation);
            errors.Add(new ModelError(line, message));
        }
    }
}
