using System.Text.Json;
using EngineeringFramework.Server.Identity.Authority;
using EngineeringFramework.Server.Identity.Registration;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Grants;

/// <summary>One application a person approved, for one resource: what the Connected apps page shows.</summary>
public sealed record ConnectedApp(
    string AuthorizationId,
    string Name,
    bool Named,
    string Host,
    bool MetadataDocument,
    string ResourceName,
    bool OfflineAccess,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>
/// The approvals a person has given and not revoked, read straight from the authority's tables (one query for the
/// approvals, one for when each last got a token). "Last used" is the last time the application obtained a token under
/// the approval (signing in or refreshing): access tokens are self-contained and their uses are not recorded.
/// </summary>
internal sealed class ConnectedApps(Store.IdentityStoreDbContext store, Audiences audiences)
{
    public async Task<IReadOnlyList<ConnectedApp>> ListAsync(string subject, CancellationToken cancellationToken)
    {
        var approvals = await store.Set<OpenIddictEntityFrameworkCoreAuthorization>().AsNoTracking()
            .Where(a => a.Subject == subject && a.Status == Statuses.Valid && a.Type == AuthorizationTypes.Permanent)
            .Select(a => new
            {
                a.Id,
                a.CreationDate,
                a.Scopes,
                a.Properties,
                ClientId = a.Application!.ClientId,
                a.Application.DisplayName,
                a.Application.RedirectUris,
                LastUsed = a.Tokens.Max(t => t.CreationDate),
            })
            .ToListAsync(cancellationToken);

        return [.. approvals
            .OrderByDescending(a => a.LastUsed ?? a.CreationDate)
            .Select(a =>
            {
                var metadataDocument = MetadataDocumentUrl.LooksLikeOne(a.ClientId);
                var resource = a.Properties is null ? null : Consents.ResourceOf(JsonSerializer.Deserialize<System.Collections.Immutable.ImmutableDictionary<string, JsonElement>>(a.Properties)!);
                return new ConnectedApp(
                    a.Id!,
                    string.IsNullOrWhiteSpace(a.DisplayName) ? "An unnamed application" : a.DisplayName,
                    !string.IsNullOrWhiteSpace(a.DisplayName),
                    metadataDocument ? new Uri(a.ClientId!).Authority : FirstRedirectHost(a.RedirectUris),
                    metadataDocument,
                    resource == audiences.Mcp ? "MCP server" : "REST API",
                    a.Scopes?.Contains(Scopes.OfflineAccess, StringComparison.Ordinal) == true,
                    Utc(a.CreationDate),
                    Utc(a.LastUsed));
            })];
    }

    private static string FirstRedirectHost(string? redirectUris)
    {
        var first = redirectUris is null ? null : JsonSerializer.Deserialize<string[]>(redirectUris)?.FirstOrDefault();
        return first is not null && Uri.TryCreate(first, UriKind.Absolute, out var uri) ? uri.Authority : "unknown";
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
