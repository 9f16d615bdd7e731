using System.Text.Json.Serialization;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// A client's description of itself (RFC 7591 §2), as sent to the registration endpoint or published as a Client ID
/// Metadata Document. Both are held to the same rules: public clients only (no secret, <c>none</c> at the token
/// endpoint), the authorization code and refresh token grants only, and redirect URIs that pass
/// <see cref="RedirectUriPolicy"/>.
/// </summary>
internal sealed record ClientMetadata(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("redirect_uris")] List<string>? RedirectUris,
    [property: JsonPropertyName("post_logout_redirect_uris")] List<string>? PostLogoutRedirectUris,
    [property: JsonPropertyName("client_name")] string? ClientName,
    [property: JsonPropertyName("token_endpoint_auth_method")] string? TokenEndpointAuthMethod,
    [property: JsonPropertyName("grant_types")] List<string>? GrantTypes,
    [property: JsonPropertyName("response_types")] List<string>? ResponseTypes,
    [property: JsonPropertyName("client_secret")] string? ClientSecret)
{
    public const int MaxRedirectUris = 10;
    public const int MaxNameLength = 200;

    /// <summary>The first rule broken, as an RFC 7591 error code and a sentence naming the field; null when all hold.</summary>
    public (string Code, string Description)? Problem()
    {
        if (RedirectUris is not { Count: > 0 and <= MaxRedirectUris } redirects)
        {
            return ("invalid_redirect_uri", $"redirect_uris must list 1 to {MaxRedirectUris} URIs.");
        }

        if (redirects.Any(r => !RedirectUriPolicy.IsAllowed(r)))
        {
            return ("invalid_redirect_uri", "Every redirect URI must be https, or http on a loopback address (127.0.0.1, [::1], localhost) on any port, without a fragment.");
        }

        if (PostLogoutRedirectUris is { } logouts && (logouts.Count > MaxRedirectUris || logouts.Any(r => !RedirectUriPolicy.IsAllowed(r))))
        {
            return ("invalid_client_metadata", "post_logout_redirect_uris follow the same rules as redirect_uris.");
        }

        if (ClientSecret is not null || (TokenEndpointAuthMethod is { } method && method != ClientAuthenticationMethods.None))
        {
            return ("invalid_client_metadata", "Only public clients are accepted: token_endpoint_auth_method must be \"none\" and there is no client_secret.");
        }

        if (GrantTypes?.Except([OpenIddict.Abstractions.OpenIddictConstants.GrantTypes.AuthorizationCode, OpenIddict.Abstractions.OpenIddictConstants.GrantTypes.RefreshToken]).Any() == true)
        {
            return ("invalid_client_metadata", "grant_types may contain only authorization_code and refresh_token.");
        }

        if (ResponseTypes?.Except([OpenIddict.Abstractions.OpenIddictConstants.ResponseTypes.Code]).Any() == true)
        {
            return ("invalid_client_metadata", "response_types may contain only code.");
        }

        if (ClientName is { Length: > MaxNameLength })
        {
            return ("invalid_client_metadata", $"client_name is longer than {MaxNameLength} characters.");
        }

        // The consent page shows the name to a person deciding whom to trust: no control or formatting characters (a
        // right-to-left override can make "edoC edualC" read as something else), no unpaired surrogates.
        if (ClientName is { } name && !IsPlainText(name))
        {
            return ("invalid_client_metadata", "client_name may not contain control or formatting characters.");
        }

        return null;
    }

    private static bool IsPlainText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(text[i]) || char.IsControl(text[i]) || char.GetUnicodeCategory(text[i]) == System.Globalization.UnicodeCategory.Format)
            {
                return false;
            }
        }

        return true;
    }
}
