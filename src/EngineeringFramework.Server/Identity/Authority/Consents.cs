using System.Collections.Immutable;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// A person's approval of one client, for one resource (the REST API or the MCP server) and a set of scopes, kept as an
/// OpenIddict permanent authorization. Codes and tokens issued under it are attached to it, so revoking it (Connected
/// apps, account events) ends them all. The resource lives in the authorization's properties, since OpenIddict keeps
/// scopes but not resources on an authorization: an approval for the REST API is never taken as one for the MCP server.
/// </summary>
internal sealed class Consents(IOpenIddictAuthorizationManager authorizations, TimeProvider time)
{
    public const string ResourceProperty = "ef_resource";

    /// <summary>The id of a valid approval by <paramref name="subject"/> covering the resource and every scope asked for, or null.</summary>
    public async Task<string?> FindAsync(string subject, string applicationId, string resource, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        var candidates = await authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken).ToListAsync(cancellationToken);
        foreach (var authorization in candidates)
        {
            if (ResourceOf(await authorizations.GetPropertiesAsync(authorization, cancellationToken)) == resource)
            {
                return await authorizations.GetIdAsync(authorization, cancellationToken);
            }
        }

        return null;
    }

    public async Task<string> ApproveAsync(string subject, string applicationId, string resource, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = time.GetUtcNow(),
            Status = Statuses.Valid,
            Subject = subject,
            Type = AuthorizationTypes.Permanent,
            Properties = { [ResourceProperty] = JsonSerializer.SerializeToElement(resource) },
        };
        descriptor.Scopes.UnionWith(scopes);
        var authorization = await authorizations.CreateAsync(descriptor, cancellationToken);
        return (await authorizations.GetIdAsync(authorization, cancellationToken))!;
    }

    public static string? ResourceOf(ImmutableDictionary<string, JsonElement> properties)
        => properties.TryGetValue(ResourceProperty, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
