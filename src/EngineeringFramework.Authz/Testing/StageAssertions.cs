namespace EngineeringFramework.Authz.Testing;

/// <summary>The check, list-objects and list-users assertions of one conformance stage.</summary>
internal sealed class StageAssertions(IAuthorizationEngine engine, object? stage, List<TupleKey> stageContext, string where, TestTally tally)
{
    public async Task RunChecksAsync(CancellationToken cancellationToken)
    {
        var number = 0;
        foreach (var assertion in YamlTree.List(stage, "checkAssertions"))
        {
            var tuple = YamlTree.Tuple(YamlTree.Get(assertion, "tuple"));
            var label = $"{where} check #{number++} {tuple}";
            var request = new CheckRequest(tuple.User, tuple.Relation, tuple.Object) { ContextualTuples = Context(assertion) };
            await ExpectAsync(assertion, label, async () =>
            {
                var allowed = (await engine.CheckAsync(request, cancellationToken)).Allowed;
                var expected = YamlTree.Bool(assertion, "expectation") ?? false;
                return allowed == expected ? null : $"expected {expected} but got {allowed}";
            });
        }
    }

    public async Task RunListObjectsAsync(CancellationToken cancellationToken)
    {
        var number = 0;
        foreach (var assertion in YamlTree.List(stage, "listObjectsAssertions"))
        {
            var request = YamlTree.Get(assertion, "request");
            var user = YamlTree.Str(request, "user") ?? "";
            var relation = YamlTree.Str(request, "relation") ?? "";
            var type = YamlTree.Str(request, "type") ?? "";
            var label = $"{where} list_objects #{number++} {user} {relation} {type}";
            var context = Context(assertion);
            await ExpectAsync(assertion, label, async () =>
            {
                var objects = (await engine.ListObjectsAsync(new ListObjectsRequest(user, relation, type) { ContextualTuples = context }, cancellationToken)).Objects;
                var expected = YamlTree.Strings(assertion, "expectation");
                if (!ResultComparison.SameElements(expected, [.. objects]))
                {
                    return $"expected {ResultComparison.Format(expected)} but got {ResultComparison.Format(objects)}";
                }

                foreach (var obj in objects)
                {
                    if (!(await engine.CheckAsync(new CheckRequest(user, relation, obj) { ContextualTuples = context }, cancellationToken)).Allowed)
                    {
                        return $"returned {obj} but Check of it is false";
                    }
                }

                return null;
            });
        }
    }

    public async Task RunListUsersAsync(CancellationToken cancellationToken)
    {
        var number = 0;
        foreach (var assertion in YamlTree.List(stage, "listUsersAssertions"))
        {
            var request = YamlTree.Get(assertion, "request");
            var obj = YamlTree.Str(request, "object") ?? "";
            var relation = YamlTree.Str(request, "relation") ?? "";
            var filters = YamlTree.Strings(request, "filters").ConvertAll(ParseFilter);
            var label = $"{where} list_users #{number++} {obj} {relation} [{string.Join(", ", YamlTree.Strings(request, "filters"))}]";
            var context = Context(assertion);
            await ExpectAsync(assertion, label, async () =>
            {
                var users = (await engine.ListUsersAsync(new ListUsersRequest(obj, relation, filters) { ContextualTuples = context }, cancellationToken)).Users;
                var expected = YamlTree.Strings(assertion, "expectation");
                if (!ResultComparison.SameElements(expected, [.. users]))
                {
                    return $"expected {ResultComparison.Format(expected)} but got {ResultComparison.Format(users)}";
                }

                foreach (var user in users)
                {
                    if (!(await engine.CheckAsync(new CheckRequest(user, relation, obj) { ContextualTuples = context }, cancellationToken)).Allowed)
                    {
                        return $"returned {user} but Check of it is false";
                    }
                }

                return null;
            });
        }
    }

    internal static UserTypeFilter ParseFilter(string text)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? new UserTypeFilter(text) : new UserTypeFilter(text[..hash], text[(hash + 1)..]);
    }

    private List<TupleKey> Context(object? assertion) => [.. YamlTree.Tuples(assertion, "contextualTuples"), .. stageContext];

    // Runs one assertion: with an errorCode the call must fail with exactly that code, else the probe must return null.
    // An authorization server that cannot answer fails the assertion (it is not an error code of the suite).
    private async Task ExpectAsync(object? assertion, string label, Func<Task<string?>> probe)
    {
        var errorCode = YamlTree.Int(assertion, "errorCode") ?? 0;
        try
        {
            var problem = await probe();
            if (errorCode != 0)
            {
                tally.Fail($"{label}: expected error {errorCode} but the call succeeded");
            }
            else if (problem is not null)
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
            if (ex.NumericCode == errorCode)
            {
                tally.Pass();
            }
            else
            {
                tally.Fail($"{label}: " + (errorCode == 0 ? $"unexpected error {ex.NumericCode}: {ex.Message}" : $"expected error {errorCode} but got {ex.NumericCode}: {ex.Message}"));
            }
        }
        catch (AuthorizationUnavailableException ex)
        {
            tally.Fail($"{label}: the authorization server did not answer: {ex.Message}");
        }
    }
}
