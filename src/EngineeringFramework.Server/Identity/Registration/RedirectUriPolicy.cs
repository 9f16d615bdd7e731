using System.Net;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// Which redirect URIs a self-registered client may use: https anywhere, or plain http on the loopback interface
/// only (RFC 8252 native apps and CLI tools listen there). Anything else would let a code travel in clear text
/// or to a scheme another app could claim. No fragments (RFC 6749 §3.1.2), no user info.
/// </summary>
internal static class RedirectUriPolicy
{
    public const int MaxLength = 2000;

    public static bool IsAllowed(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo) || value.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));
    }

    private static bool IsLoopback(Uri uri) => uri.HostNameType switch
    {
        UriHostNameType.Dns => string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase),
        UriHostNameType.IPv4 or UriHostNameType.IPv6 => IPAddress.TryParse(uri.IdnHost, out var address)
            && (address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback)),
        _ => false,
    };
}
