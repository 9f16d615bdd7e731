using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary><c>check</c>, <c>batch-check</c>, <c>list-objects</c> and <c>list-users</c>, evaluated by the embedded engine.</summary>
internal static partial class QueryEndpoints
{
    /// <summary>OpenFGA's defaults for checks per batch and objects per list-objects answer.</summary>
    public const int MaxChecksPerBatch = 50;
    public const int MaxListObjectsResults = 1000;

    public static void MapQueries(this IEndpointRouteBuilder app, FgaStoreRegistry stores)
    {
        app.MapPost("/stores/{storeId}/check", async (HttpContext context, string storeId) =>
        {
            var (store, body, modelId) = await QueryAsync(stores, storeId, context);
            var key = FgaJson.TupleKey(body["tuple_key"], "tuple_key");
            var request = new CheckRequest(key.User, key.Relation, key.Object) { ContextualTuples = FgaJson.ContextualTuples(body["contextual_tuples"]), ModelId = modelId };
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject { ["allowed"] = store.Engine.Check(request).Allowed, ["resolution"] = "" });
        });

        app.MapPost("/stores/{storeId}/batch-check", async (HttpContext context, string storeId) =>
        {
            var (store, body, modelId) = await QueryAsync(stores, storeId, context);
            var checks = body["checks"] as JsonArray ?? throw FgaError.Validation("invalid BatchCheckRequest.Checks: value must contain at least 1 item(s)");
            if (checks.Count is 0 or > MaxChecksPerBatch)
            {
                throw FgaError.Validation($"batchCheck received {checks.Count} checks, the number must be between 1 and {MaxChecksPerBatch}");
            }

            var result = new JsonObject();
            foreach (var check in checks)
            {
                var correlation = FgaJson.RequiredString(check, "correlation_id");
                if (!CorrelationId().IsMatch(correlation) || result.ContainsKey(correlation))
                {
                    throw FgaError.Validation($"invalid or duplicate correlation_id: '{correlation}'");
                }

                var key = FgaJson.TupleKey(check?["tuple_key"], "tuple_key");
                var request = new CheckRequest(key.User, key.Relation, key.Object) { ContextualTuples = FgaJson.ContextualTuples(check?["contextual_tuples"]), ModelId = modelId };
                try
                {
                    result[correlation] = new JsonObject { ["allowed"] = store.Engine.Check(request).Allowed };
                }
                catch (AuthzException e)
                {
                    // A result is either "allowed" or "error", never both (a oneof in OpenFGA's API).
                    result[correlation] = new JsonObject
                    {
                        ["error"] = new JsonObject { ["input_error"] = OpenFgaErrorCodes.Name(e.Code), ["message"] = e.Message },
                    };
                }
            }

            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject { ["result"] = result });
        });

        app.MapPost("/stores/{storeId}/list-objects", async (HttpContext context, string storeId) =>
        {
            var (store, body, modelId) = await QueryAsync(stores, storeId, context);
            var request = new ListObjectsRequest(FgaJson.RequiredString(body, "user"), FgaJson.RequiredString(body, "relation"), FgaJson.RequiredString(body, "type"))
            {
                ContextualTuples = FgaJson.ContextualTuples(body["contextual_tuples"]),
                ModelId = modelId,
                MaxResults = MaxListObjectsResults,
            };
            var objects = store.Engine.ListObjects(request).Objects;
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject { ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode?)o)]) });
        });

        app.MapPost("/stores/{storeId}/list-users", async (HttpContext context, string storeId) =>
        {
            var (store, body, modelId) = await QueryAsync(stores, storeId, context);
            var target = body["object"] as JsonObject ?? throw FgaError.Validation("invalid request: 'object' is required");
            // OpenFGA takes exactly one user filter per call.
            var filters = (body["user_filters"] as JsonArray ?? [])
                .Select(f => new UserTypeFilter(FgaJson.RequiredString(f, "type"), FgaJson.OptionalString(f, "relation")))
                .ToList();
            if (filters.Count != 1)
            {
                throw FgaError.Validation("invalid ListUsersRequest.UserFilters: value must contain exactly 1 item(s)");
            }

            var request = new ListUsersRequest($"{FgaJson.RequiredString(target, "type")}:{FgaJson.RequiredString(target, "id")}", FgaJson.RequiredString(body, "relation"), filters)
            {
                ContextualTuples = FgaJson.ContextualTupleArray(body["contextual_tuples"]),
                ModelId = modelId,
            };
            var users = store.Engine.ListUsers(request).Users;
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject { ["users"] = new JsonArray([.. users.Select(u => (JsonNode)UserJson(u))]) });
        });
    }

    private static async Task<(FgaStore Store, JsonObject Body, string ModelId)> QueryAsync(FgaStoreRegistry stores, string storeId, HttpContext context)
    {
        var body = await FgaJson.ReadBodyAsync(context.Request);
        FgaJson.RequireKnownConsistency(body);
        var modelId = FgaJson.OptionalString(body, "authorization_model_id");
        var store = stores.Find(storeId) ?? throw FgaStoreRegistry.NoModel(storeId, modelId);
        return (store, body, store.ResolveModel(modelId));
    }

    // user:anne -> {object}, user:* -> {wildcard}, group:eng#member -> {userset}
    private static JsonObject UserJson(string user)
    {
        if (!TupleUser.TryParse(user, out var parsed))
        {
            throw new InvalidOperationException($"the engine listed a malformed user '{user}'");
        }

        return parsed switch
        {
            { IsWildcard: true } => new JsonObject { ["wildcard"] = new JsonObject { ["type"] = parsed.Type } },
            { IsUserset: true } => new JsonObject { ["userset"] = new JsonObject { ["type"] = parsed.Type, ["id"] = parsed.Id, ["relation"] = parsed.Relation } },
            _ => new JsonObject { ["object"] = new JsonObject { ["type"] = parsed.Type, ["id"] = parsed.Id } },
        };
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,36}$")]
    private static partial Regex CorrelationId();
}
