using System.Globalization;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// The one shape every OAuth client of ours has, however it arrived (dynamic registration or a metadata document): a
/// public client that must use PKCE, may ask for one of our two resources, and needs the person's consent (no client is
/// first-party: the web app signs in with its own session). Where it came from and when are kept as properties, for the
/// consent page and for <see cref="UnusedClientSweeper"/>.
/// </summary>
internal static class PublicClients
{
    public const string SourceProperty = "ef_source";
    public const string RegisteredAtProperty = "ef_registered_at";
    public const string MetadataExpiresAtProperty = "ef_metadata_expires_at";

    public const string DynamicRegistration = "dynamic_registration";
    public const string MetadataDocument = "metadata_document";

    public static OpenIddictApplicationDescriptor Describe(string clientId, ClientMetadata metadata, Audiences audiences, string source, DateTimeOffset now)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            Properties =
            {
                [SourceProperty] = JsonSerializer.SerializeToElement(source),
                [RegisteredAtProperty] = JsonSerializer.SerializeToElement(now.ToUnixTimeSeconds()),
            },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Prefixes.Scope + Scopes.Email,
                Permissions.Prefixes.Scope + Scopes.Profile,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                Permissions.Prefixes.Resource + audiences.Api,
                Permissions.Prefixes.Resource + audiences.Mcp,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        Apply(descriptor, metadata);
        return descriptor;
    }

    /// <summary>What the client may change about itself later (a metadata document is re-read when its cache expires).</summary>
    public static void Apply(OpenIddictApplicationDescriptor descriptor, ClientMetadata metadata)
    {
        var redirects = metadata.RedirectUris!;
        descriptor.ApplicationType = redirects.All(r => new Uri(r).Scheme == Uri.UriSchemeHttps) ? ApplicationTypes.Web : ApplicationTypes.Native;
        descriptor.DisplayName = string.IsNullOrWhiteSpace(metadata.ClientName) ? null : metadata.ClientName.Trim();
        descriptor.RedirectUris.Clear();
        foreach (var redirect in redirects)
        {
            descriptor.RedirectUris.Add(new Uri(redirect));
        }

        descriptor.PostLogoutRedirectUris.Clear();
        foreach (var logout in metadata.PostLogoutRedirectUris ?? [])
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(logout));
        }
    }

    public static long? UnixSeconds(System.Collections.Immutable.ImmutableDictionary<string, JsonElement> properties, string name)
        => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;

    public static string? Text(System.Collections.Immutable.ImmutableDictionary<string, JsonElement> properties, string name)
        => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
