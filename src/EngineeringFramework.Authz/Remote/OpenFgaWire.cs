using System.Text.Json.Nodes;

namespace EngineeringFramework.Authz.Remote;

/// <summary>The JSON shapes of OpenFGA's HTTP API (openfga.dev/api/service), built and read by hand for exactness.</summary>
internal static class OpenFgaWire
{
    public static JsonObject Key(TupleKey key) => new() { ["user"] = key.User, ["relation"] = key.Relation, ["object"] = key.Object };

    public static JsonArray Keys(IEnumerable<TupleKey> keys) => [.. keys.Select(k => (JsonNode)Key(k))];

    public static JsonObject CheckBody(CheckRequest request, string? modelId, string? consistency = null)
    {
        var body = CheckItem(request);
        AddModel(body, request.ModelId ?? modelId);
        AddConsistency(body, consistency);
        return body;
    }

    /// <summary>One request per batch, so the checks share the first one's model; each is named by its index.</summary>
    public static JsonObject BatchCheckBody(IReadOnlyList<CheckRequest> requests, string? modelId, string? consistency)
    {
        var checks = new JsonArray();
        for (var i = 0; i < requests.Count; i++)
        {
            var item = CheckItem(requests[i]);
            item["correlation_id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            checks.Add(item);
        }

        var body = new JsonObject { ["checks"] = checks };
        AddModel(body, requests.Count > 0 ? requests[0].ModelId ?? modelId : modelId);
        AddConsistency(body, consistency);
        return body;
    }

    public static JsonObject ReadBody(ReadRequest request, int pageSize, string? continuation, string? consistency)
    {
        var key = new JsonObject();
        if (request.Object is not null)
        {
            key["object"] = request.Object;
        }

        if (request.Relation is not null)
        {
            key["relation"] = request.Relation;
        }

        if (request.User is not null)
        {
            key["user"] = request.User;
        }

        var body = new JsonObject { ["page_size"] = pageSize };
        if (key.Count > 0)
        {
            body["tuple_key"] = key;
        }

        if (!string.IsNullOrEmpty(continuation))
        {
            body["continuation_token"] = continuation;
        }

        AddConsistency(body, consistency);
        return body;
    }

    public static JsonObject ListObjectsBody(ListObjectsRequest request, string? modelId, string? consistency = null)
    {
        var body = new JsonObject { ["type"] = request.Type, ["relation"] = request.Relation, ["user"] = request.User };
        if (request.ContextualTuples.Count > 0)
        {
            body["contextual_tuples"] = new JsonObject { ["tuple_keys"] = Keys(request.ContextualTuples) };
        }

        AddModel(body, request.ModelId ?? modelId);
        AddConsistency(body, consistency);
        return body;
    }

    public static JsonObject ListUsersBody(ListUsersRequest request, string? modelId, string? consistency = null)
    {
        var (type, id) = SplitObject(request.Object);
        var filters = new JsonArray();
        foreach (var filter in request.UserFilters)
        {
            var node = new JsonObject { ["type"] = filter.Type };
            if (filter.Relation is not null)
            {
                node["relation"] = filter.Relation;
            }

            filters.Add(node);
        }

        // Unlike check and list-objects, list-users takes its contextual tuples as a plain array.
        var body = new JsonObject
        {
            ["object"] = new JsonObject { ["type"] = type, ["id"] = id },
            ["relation"] = request.Relation,
            ["user_filters"] = filters,
        };
        if (request.ContextualTuples.Count > 0)
        {
            body["contextual_tuples"] = Keys(request.ContextualTuples);
        }

        AddModel(body, request.ModelId ?? modelId);
        AddConsistency(body, consistency);
        return body;
    }

    public static JsonObject WriteBody(WriteRequest request, string? modelId)
    {
        var body = new JsonObject();
        if (request.Writes.Count > 0)
        {
            var writes = new JsonObject { ["tuple_keys"] = Keys(request.Writes) };
            if (request.Options.IgnoreDuplicateWrites)
            {
                writes["on_duplicate"] = "ignore";
            }

            body["writes"] = writes;
        }

        if (request.Deletes.Count > 0)
        {
            var deletes = new JsonObject { ["tuple_keys"] = Keys(request.Deletes) };
            if (request.Options.IgnoreMissingDeletes)
            {
                deletes["on_missing"] = "ignore";
            }

            body["deletes"] = deletes;
        }

        AddModel(body, request.ModelId ?? modelId);
        return body;
    }

    /// <summary>Reads one list-users entry: <c>{object}</c>, <c>{userset}</c> or <c>{wildcard}</c>.</summary>
    public static string UserText(JsonNode user)
    {
        if (user["object"] is JsonObject o)
        {
            return $"{o["type"]}:{o["id"]}";
        }

        if (user["userset"] is JsonObject u)
        {
            return $"{u["type"]}:{u["id"]}#{u["relation"]}";
        }

        if (user["wildcard"] is JsonObject w)
        {
            return $"{w["type"]}:*";
        }

        throw new AuthzException(AuthzErrorCode.ValidationError, "The server returned a list-users entry of an unknown shape.");
    }

    public static TupleKey ReadKey(JsonNode key) =>
        new((string?)key["object"] ?? string.Empty, (string?)key["relation"] ?? string.Empty, (string?)key["user"] ?? string.Empty);

    private static (string Type, string Id) SplitObject(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? throw new AuthzException(AuthzErrorCode.ValidationError, $"'{value}' is not of the form type:id.") : (value[..colon], value[(colon + 1)..]);
    }

    private static JsonObject CheckItem(CheckRequest request)
    {
        var item = new JsonObject { ["tuple_key"] = Key(new TupleKey(request.Object, request.Relation, request.User)) };
        if (request.ContextualTuples.Count > 0)
        {
            item["contextual_tuples"] = new JsonObject { ["tuple_keys"] = Keys(request.ContextualTuples) };
        }

        return item;
    }

    private static void AddConsistency(JsonObject body, string? consistency)
    {
        if (!string.IsNullOrEmpty(consistency))
        {
            body["consistency"] = consistency;
        }
    }

    private static void AddModel(JsonObject body, string? modelId)
    {
        if (!string.IsNullOrEmpty(modelId))
        {
            body["authorization_model_id"] = modelId;
        }
    }
}
