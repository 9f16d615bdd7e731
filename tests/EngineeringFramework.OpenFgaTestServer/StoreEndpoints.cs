using System.Text.Json.Nodes;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary><c>/stores</c> and <c>/stores/{store_id}</c>: create, list, get and delete stores.</summary>
internal static class StoreEndpoints
{
    public static void MapStores(this IEndpointRouteBuilder app, FgaStoreRegistry stores)
    {
        app.MapPost("/stores", async (HttpContext context) =>
        {
            var body = await FgaJson.ReadBodyAsync(context.Request);
            var name = FgaJson.RequiredString(body, "name");
            return FgaResults.Json(StatusCodes.Status201Created, Describe(stores.Create(name)));
        });

        app.MapGet("/stores", (HttpContext context) =>
        {
            var size = FgaJson.PageSize(context.Request.Query["page_size"].ToString(), fallback: 50);
            var name = context.Request.Query["name"].ToString();
            var all = stores.Live().Where(s => name.Length == 0 || s.Name == name).ToList();
            var start = int.TryParse(FgaJson.Position(context.Request.Query["continuation_token"].ToString()), out var offset) ? offset : 0;
            var page = all.Skip(start).Take(size).ToList();
            var next = start + page.Count < all.Count ? FgaJson.Token((start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)) : "";
            return FgaResults.Json(StatusCodes.Status200OK, new JsonObject
            {
                ["stores"] = new JsonArray([.. page.Select(s => (JsonNode)Describe(s))]),
                ["continuation_token"] = next,
            });
        });

        app.MapGet("/stores/{storeId}", (string storeId) => FgaResults.Json(StatusCodes.Status200OK, Describe(stores.Get(storeId))));

        app.MapDelete("/stores/{storeId}", (string storeId) =>
        {
            stores.Get(storeId).MarkDeleted(stores.Now);
            return Results.StatusCode(StatusCodes.Status204NoContent);
        });
    }

    private static JsonObject Describe(FgaStore store) => new()
    {
        ["id"] = store.Id,
        ["name"] = store.Name,
        ["created_at"] = FgaJson.Timestamp(store.CreatedAt),
        ["updated_at"] = FgaJson.Timestamp(store.UpdatedAt),
    };
}
