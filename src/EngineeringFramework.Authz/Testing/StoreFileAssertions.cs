namespace EngineeringFramework.Authz.Testing;

/// <summary>Evaluates the check / list_objects / list_users entries of one store-file test.</summary>
internal sealed class StoreFileAssertions(AuthorizationEngine engine, string testName, TestTally tally)
{
    public void Check(object? entry)
    {
        var users = OneOrMany(entry, "user", "users");
        var objects = OneOrMany(entry, "object", "objects");
        var context = ContextualTuples(entry);
        foreach (var (relation, value) in Assertions(entry))
        {
            var expected = value is string text && bool.TryParse(text, out var b) && b;
            foreach (var user in users)
            {
                foreach (var obj in objects)
                {
                    var label = $"{testName}: check {user} {relation} {obj}";
                    Run(label, () =>
                    {
                        var allowed = engine.Check(new CheckRequest(user, relation, obj) { ContextualTuples = context }).Allowed;
                        return allowed == expected ? null : $"expected {expected} but got {allowed}";
                    });
                }
            }
        }
    }

    public void ListObjects(object? entry)
    {
        var user = YamlTree.Str(entry, "user") ?? "";
        var type = YamlTree.Str(entry, "type") ?? "";
        var context = ContextualTuples(entry);
        foreach (var (relation, value) in Assertions(entry))
        {
            var expected = AsStrings(value);
            Run($"{testName}: list_objects {user} {relation} {type}", () =>
            {
                var actual = engine.ListObjects(new ListObjectsRequest(user, relation, type) { ContextualTuples = context }).Objects;
                return ResultComparison.SameElements(expected, [.. actual])
                    ? null
                    : $"expected {ResultComparison.Format(expected)} but got {ResultComparison.Format(actual)}";
            });
        }
    }

    public void ListUsers(object? entry)
    {
        var obj = YamlTree.Str(entry, "object") ?? "";
        var filters = YamlTree.List(entry, "user_filter")
            .ConvertAll(f => new UserTypeFilter(YamlTree.Str(f, "type") ?? "", YamlTree.Str(f, "relation")));
        var context = ContextualTuples(entry);
        foreach (var (relation, value) in Assertions(entry))
        {
            var expected = YamlTree.Strings(value, "users");
            Run($"{testName}: list_users {obj} {relation}", () =>
            {
                var actual = engine.ListUsers(new ListUsersRequest(obj, relation, filters) { ContextualTuples = context }).Users;
                return ResultComparison.SameElements(expected, [.. actual])
                    ? null
                    : $"expected {ResultComparison.Format(expected)} but got {ResultComparison.Format(actual)}";
            });
        }
    }

    /// <summary>The entry's <c>contextual_tuples</c> (user, relation, object), counted as stored for its calls only, as in <c>fga model test</c>.</summary>
    private static List<TupleKey> ContextualTuples(object? entry) =>
        YamlTree.List(entry, "contextual_tuples")
            .ConvertAll(t => new TupleKey(YamlTree.Str(t, "object") ?? "", YamlTree.Str(t, "relation") ?? "", YamlTree.Str(t, "user") ?? ""));

    private static List<string> OneOrMany(object? entry, string one, string many) =>
        YamlTree.Str(entry, one) is { } single ? [single] : YamlTree.Strings(entry, many);

    private static IEnumerable<(string Relation, object? Value)> Assertions(object? entry) =>
        YamlTree.Map(YamlTree.Get(entry, "assertions")) is { } map
            ? map.Select(pair => (Convert.ToString(pair.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", pair.Value))
            : [];

    private static List<string> AsStrings(object? value) =>
        value is List<object?> list ? list.ConvertAll(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "") : [];

    private void Run(string label, Func<string?> probe)
    {
        try
        {
            if (probe() is { } problem)
            {
                tally.Fail($"{label}: {problem}");
            }
            else
            {
                tally.Pass();
            }
        }
        catch (AuthzException ex)
        {
            tally.Fail($"{label}: error {ex.NumericCode}: {ex.Message}");
        }
    }
}
