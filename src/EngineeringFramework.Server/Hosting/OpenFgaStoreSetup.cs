using System.Text.Json.Nodes;
using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core.Authorization;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Remote mode's part of <c>migrate</c> (a store, and the app's model as the store's latest) and of start-up (the
/// configured store and model exist). Refusing to start beats answering every request with 503.
/// </summary>
internal static class OpenFgaStoreSetup
{
    public const string StoreName = "engineering-framework";

    public sealed record Outcome(string StoreId, bool StoreCreated, string ModelId, bool ModelWritten);

    /// <summary>Creates the store when none is configured, and writes <c>authorization/model.fga</c> when it differs from the store's latest model.</summary>
    public static async Task<Outcome> MigrateAsync(HttpClient http, OpenFgaSettings settings, CancellationToken cancellationToken)
    {
        var stores = new OpenFgaStores(http, settings.ApiUrl, settings.ApiToken);
        var created = false;
        var storeId = settings.StoreId;
        if (storeId is null)
        {
            storeId = (await stores.CreateAsync(StoreName, cancellationToken)).Id;
            created = true;
        }
        else if (await stores.GetAsync(storeId, cancellationToken) is null)
        {
            throw new InvalidOperationException($"OpenFGA has no store {storeId} ({OpenFgaSettings.StoreIdKey}); unset it to let migrate create one.");
        }

        var engine = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = settings.ApiUrl, StoreId = storeId, ApiToken = settings.ApiToken });
        var wanted = DslParser.ParseAndValidate(ProductModel.Dsl);
        var latest = await engine.ReadModelAsync(cancellationToken: cancellationToken);
        if (latest is not null && SameModel(latest.Model, wanted))
        {
            return new Outcome(storeId, created, latest.Id, ModelWritten: false);
        }

        return new Outcome(storeId, created, await engine.WriteModelAsync(wanted, cancellationToken), ModelWritten: true);
    }

    /// <summary>Why serving cannot start in remote mode, or null when the store (and the pinned model, if any) exist.</summary>
    public static async Task<string?> ProblemAsync(HttpClient http, OpenFgaSettings settings, CancellationToken cancellationToken)
    {
        if (settings.StoreId is not { } storeId)
        {
            return $"{OpenFgaSettings.StoreIdKey} is not set: run `migrate` with {OpenFgaSettings.ApiUrlKey} set, which creates the store and prints its id.";
        }

        try
        {
            if (await new OpenFgaStores(http, settings.ApiUrl, settings.ApiToken).GetAsync(storeId, cancellationToken) is null)
            {
                return $"OpenFGA at {settings.ApiUrl} has no store {storeId} ({OpenFgaSettings.StoreIdKey}); run `migrate` without {OpenFgaSettings.StoreIdKey} to create one.";
            }

            var engine = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = settings.ApiUrl, StoreId = storeId, ApiToken = settings.ApiToken });
            if (await engine.ReadModelAsync(settings.ModelId, cancellationToken) is null)
            {
                return settings.ModelId is { } modelId
                    ? $"OpenFGA store {storeId} has no authorization model {modelId} ({OpenFgaSettings.ModelIdKey})."
                    : $"OpenFGA store {storeId} has no authorization model yet: run `migrate`.";
            }
        }
        catch (AuthorizationUnavailableException e)
        {
            return $"OpenFGA at {settings.ApiUrl} ({OpenFgaSettings.ApiUrlKey}) cannot be asked whether store {storeId} exists: {e.Message}";
        }

        return null;
    }

    /// <summary>Compares the JSON OpenFGA would store, ids aside.</summary>
    private static bool SameModel(AuthorizationModel stored, AuthorizationModel wanted) =>
        JsonNode.DeepEquals(WithoutId(stored), WithoutId(wanted));

    private static JsonNode WithoutId(AuthorizationModel model)
    {
        var json = JsonNode.Parse(ModelJson.Serialize(model))!.AsObject();
        json.Remove("id");
        return json;
    }
}
