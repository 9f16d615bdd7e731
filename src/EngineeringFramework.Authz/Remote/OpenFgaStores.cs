using System.Text.Json.Nodes;

namespace EngineeringFramework.Authz.Remote;

/// <summary>A store as OpenFGA describes it.</summary>
public sealed record OpenFgaStore(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// OpenFGA's store administration (create, get, delete), for <c>migrate</c> and for test runs that need a store
/// of their own. Failures are typed as for <see cref="RemoteAuthorizationEngine"/>.
/// </summary>
public sealed class OpenFgaStores(HttpClient http, Uri apiUrl, string? apiToken = null, TimeProvider? time = null)
{
    private readonly OpenFgaConnection connection =
        new(http, apiUrl, apiToken, TimeSpan.FromSeconds(10), maxAttempts: 3, TimeSpan.FromMilliseconds(100), time ?? TimeProvider.System);

    /// <summary>Creates a store (sent once: a retried create could leave two stores behind).</summary>
    public async Task<OpenFgaStore> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await connection.SendAsync(HttpMethod.Post, "stores", new JsonObject { ["name"] = name }, idempotent: false, cancellationToken);
        return Read(response) ?? throw new AuthorizationUnavailableException("OpenFGA did not describe the store it created.");
    }

    /// <summary>The store, or null when the server has none with this id.</summary>
    public async Task<OpenFgaStore?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return Read(await connection.SendAsync(HttpMethod.Get, "stores/" + Uri.EscapeDataString(id), null, idempotent: true, cancellationToken));
        }
        catch (AuthzException e) when (e.Code == AuthzErrorCode.StoreNotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        await connection.SendAsync(HttpMethod.Delete, "stores/" + Uri.EscapeDataString(id), null, idempotent: true, cancellationToken);

    private static OpenFgaStore? Read(JsonNode? store) =>
        (string?)store?["id"] is { Length: > 0 } id
            ? new OpenFgaStore(id, (string?)store["name"] ?? "", Time(store["created_at"]), Time(store["updated_at"]))
            : null;

    private static DateTimeOffset Time(JsonNode? value) =>
        DateTimeOffset.TryParse((string?)value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : default;
}
