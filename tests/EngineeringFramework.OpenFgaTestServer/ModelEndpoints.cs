using System.Text.Json.Nodes;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary><c>/stores/{store_id}/authorization-models</c>: write a model, list them newest first, read one.</summary>
internal static class ModelEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder app, FgaStoreRegistry stores)
    {
        app.MapPost("/stores/{storeId}/authorization-models", async (HttpContext context, string storeId) =>
        {
            var store = stores.Get(storeId);
            var body = await FgaJson.ReadBodyAsync(context.Request);
            if (body["type_definitions"] is not JsonArray { Count: > 0 })
            {
                throw FgaError.Validation("invalid WriteAuthorizationModelRequest.TypeDefinitions: value must contain at least 1 item(s)");
            }

            if (body["conditions"] is JsonObject { Count: > 0 })
            {
                throw FgaError.Validation("conditions are not supported by the OpenFGA test server");
            }

            var id = store.AddModel(ModelJson.Deserialize(body.ToJsonString()), stores.Now);
            return FgaResults.Json(StatusCodes.Status201Created, new JsonObject { ["authorization_model_id"] = id });
        });

        app.MapGet("/stores/{storeId}/authorization-models", (HttpContext context, string storeId) =>
        {
            var store = stores.Find(storeId);
            var size = FgaJson.PageSize(context.Request.Query["page_size"].ToString(), fallback: 50);
            var ids = store?.ModelIdsNewestFirst() ?? [];
            var after = FgaJson.Position(context.Request.Query["continuation_token"].ToString());
            var start = after is null ? 0 : ids.IndexOf(after) + 1;
            if (after is not null && start == 0)
            {
                throw new FgaError(400, "invalid_continuation_token", "Invalid continuation token");
            }

            var page = ids.Skip(start).Take(size).ToList();
            var next = start + page.Count < ids.Count ? FgaJson.Token(page[^1]) : "";
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject
            {
                ["authorization_models"] = new JsonArray([.. page.Select(id => (JsonNode)Describe(store!.ReadModel(id)!))]),
                ["continuation_token"] = next,
            });
        });

        app.MapGet("/stores/{storeId}/authorization-models/{modelId}", (string storeId, string modelId) =>
        {
            var model = stores.Find(storeId)?.ReadModel(modelId) ?? throw FgaStoreRegistry.NoModel(storeId, modelId);
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject { ["authorization_model"] = Describe(model) });
        });
    }

    private static JsonObject Describe(StoredModel stored)
    {
        var json = new JsonObject { ["id"] = stored.Id };
        foreach (var (name, value) in JsonNode.Parse(ModelJson.Serialize(stored.Model))!.AsObject())
        {
            json[name] = value?.DeepClone();
        }

        json["conditions"] = new JsonObject();
        return json;
    }
}
