using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// OpenIddict's application manager with the one relaxation RFC 8252 §7.3 requires of an authorization server: a native
/// app listening on the loopback interface gets whatever port the system gives it, so a registered loopback redirect URI
/// (<c>http://127.0.0.1/callback</c>) matches a request for it on any port (<c>http://127.0.0.1:53127/callback</c>).
/// Scheme, host, path and query must still match exactly, and only plain-http loopback URIs are relaxed: an https or
/// any other redirect URI is compared character for character, as OpenIddict does.
/// </summary>
internal sealed class LoopbackRedirectUris(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateRedirectUriAsync(OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        if (!IsLoopbackHttp(uri, out var requested))
        {
            return false;
        }

        foreach (var registered in await GetRedirectUrisAsync(application, cancellationToken))
        {
            if (IsLoopbackHttp(registered, out var candidate)
                && string.Equals(candidate.Host, requested.Host, StringComparison.OrdinalIgnoreCase)
                && string.Equals(candidate.PathAndQuery, requested.PathAndQuery, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoopbackHttp(string value, out Uri uri)
        => Uri.TryCreate(value, UriKind.Absolute, out uri!) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && string.IsNullOrEmpty(uri.Fragment);
}
