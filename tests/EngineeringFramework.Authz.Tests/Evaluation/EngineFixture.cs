using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Tests.Evaluation;

/// <summary>Builds an engine over an in-memory store from DSL and "object#relation@user" tuples.</summary>
internal static class EngineFixture
{
    public static AuthorizationEngine Create(string dsl, params string[] tuples)
    {
        var engine = new AuthorizationEngine(new InMemoryTupleStore());
        engine.WriteModel(dsl);
        if (tuples.Length > 0)
        {
            engine.Write(new WriteRequest { Writes = Array.ConvertAll(tuples, Tuple) });
        }

        return engine;
    }

    public static TupleKey Tuple(string text)
    {
        var at = text.LastIndexOf('@');
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return new TupleKey(text[..hash], text[(hash + 1)..at], text[(at + 1)..]);
    }

    public static bool Check(this AuthorizationEngine engine, string user, string relation, string obj, params string[] contextual) =>
        engine.Check(new CheckRequest(user, relation, obj) { ContextualTuples = Array.ConvertAll(contextual, Tuple) }).Allowed;

    public static string[] Objects(this AuthorizationEngine engine, string user, string relation, string type) =>
        [.. engine.ListObjects(new ListObjectsRequest(user, relation, type)).Objects.Order(StringComparer.Ordinal)];

    public static string[] Users(this AuthorizationEngine engine, string obj, string relation, string filter)
    {
        var hash = filter.IndexOf('#', StringComparison.Ordinal);
        var userFilter = hash < 0 ? new UserTypeFilter(filter) : new UserTypeFilter(filter[..hash], filter[(hash + 1)..]);
        return [.. engine.ListUsers(new ListUsersRequest(obj, relation, [userFilter])).Users.Order(StringComparer.Ordinal)];
    }
}
