using System.Text.Json.Nodes;
using EngineeringFramework.Authz;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary><c>write</c> and <c>read</c>: tuple changes (with OpenFGA's ignore options and 100-tuple limit) and paged reads.</summary>
internal static class TupleEndpoints
{
    public static void MapTuples(this IEndpointRouteBuilder app, FgaStoreRegistry stores)
    {
        app.MapPost("/stores/{storeId}/write", async (HttpContext context, string storeId) =>
        {
            var body = await FgaJson.ReadBodyAsync(context.Request);
            var (writes, ignoreDuplicates) = Changes(body["writes"], "writes", "on_duplicate");
            var (deletes, ignoreMissing) = Changes(body["deletes"], "deletes", "on_missing");
            if (writes.Count == 0 && deletes.Count == 0)
            {
                throw new FgaError(400, "invalid_write_input", "Invalid input. Make sure you provide at least one write, or at least one delete");
            }

            var requestedModel = FgaJson.OptionalString(body, "authorization_model_id");
            var store = stores.Find(storeId) ?? throw FgaStoreRegistry.NoModel(storeId, requestedModel);
            var modelId = store.ResolveModel(requestedModel);
            store.Write(new WriteRequest { Writes = writes, Deletes = deletes, Options = new WriteOptions(ignoreDuplicates, ignoreMissing), ModelId = modelId }, stores.Now);
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject());
        });

        app.MapPost("/stores/{storeId}/read", async (HttpContext context, string storeId) =>
        {
            var body = await FgaJson.ReadBodyAsync(context.Request);
            FgaJson.RequireKnownConsistency(body);
            var key = body["tuple_key"];
            var filter = new ReadRequest(FgaJson.OptionalString(key, "object"), FgaJson.OptionalString(key, "relation"), FgaJson.OptionalString(key, "user"));
            if (filter.Object is null && (filter.User is not null || filter.Relation is not null))
            {
                throw FgaError.Validation("the 'object' field is required when 'user' or 'relation' is set");
            }

            if (filter.Object is { } obj && obj.EndsWith(':') && filter.User is null)
            {
                throw FgaError.Validation("the 'user' field is required when 'object' names only a type");
            }

            var size = FgaJson.PageSize(body["page_size"], fallback: 50);
            var after = FgaJson.Position(FgaJson.OptionalString(body, "continuation_token"));
            // A store OpenFGA does not have simply holds no tuples.
            var store = stores.Find(storeId);
            var all = (store?.Engine.Read(filter).Tuples ?? []).OrderBy(t => t.ToString(), StringComparer.Ordinal).ToList();
            var page = all.Where(t => after is null || string.CompareOrdinal(t.ToString(), after) > 0).Take(size + 1).ToList();
            var more = page.Count > size;
            page = page.Take(size).ToList();
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject
            {
                ["tuples"] = new JsonArray([.. page.Select(t => (JsonNode)new JsonObject { ["key"] = FgaJson.Key(t), ["timestamp"] = FgaJson.Timestamp(store!.WrittenAt(t)) })]),
                ["continuation_token"] = more ? FgaJson.Token(page[^1].ToString()) : "",
            });
        });
    }

    // {"tuple_keys": [...], "on_duplicate"|"on_missing": "error"|"ignore"}; an empty list is refused as OpenFGA does.
    private static (List<TupleKey> Tuples, bool Ignore) Changes(JsonNode? node, string field, string optionName)
    {
        if (node is null)
        {
            return ([], false);
        }

        var tuples = FgaJson.TupleKeys(node["tuple_keys"], field + ".tuple_keys");
        if (tuples.Count == 0)
        {
            throw FgaError.Validation($"invalid {field}.tuple_keys: value must contain at least 1 item(s)");
        }

        return FgaJson.OptionalString(node, optionName) switch
        {
            null or "error" => (tuples, false),
            "ignore" => (tuples, true),
            var other => throw FgaError.Validation($"invalid value for enum field '{optionName}': \"{other}\""),
        };
    }
}
