using System.Net;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// What the consent page tells a person about an authorization request. Everything a client says about itself is
/// shown as such: its name is self-declared (anyone can register "Claude Code"), so the page also names what cannot
/// be faked, where the code will be sent (the redirect host) and, for a client identified by a metadata document, the
/// host that published it.
/// </summary>
public sealed record ConsentRequest(
    string ClientName,
    bool ClientNamed,
    string RedirectHost,
    bool RedirectIsLocal,
    string? MetadataDocumentHost,
    string ResourceName,
    string Resource,
    bool OfflineAccess,
    bool Email,
    bool Profile,
    string SignedInAs)
{
    internal static async Task<ConsentRequest> DescribeAsync(
        OpenIddictRequest request,
        object application,
        IOpenIddictApplicationManager applications,
        string resource,
        Audiences audiences,
        IdentityUser user,
        CancellationToken cancellationToken)
    {
        var name = await applications.GetDisplayNameAsync(application, cancellationToken);
        var redirect = new Uri(request.RedirectUri!);
        var local = redirect.IsLoopback || (IPAddress.TryParse(redirect.IdnHost, out var address) && IPAddress.IsLoopback(address));
        var metadataHost = Uri.TryCreate(request.ClientId, UriKind.Absolute, out var clientUri) && clientUri.Scheme is "https" or "http"
            ? clientUri.Authority
            : null;
        var scopes = request.GetScopes();
        return new ConsentRequest(
            string.IsNullOrWhiteSpace(name) ? "An unnamed application" : name,
            !string.IsNullOrWhiteSpace(name),
            redirect.Authority,
            local,
            metadataHost,
            resource == audiences.Mcp ? "the MCP server (for AI agents and tools)" : "the REST API",
            resource,
            scopes.Contains(Scopes.OfflineAccess),
            scopes.Contains(Scopes.Email),
            scopes.Contains(Scopes.Profile),
            user.Email ?? user.UserName ?? string.Empty);
    }
}
