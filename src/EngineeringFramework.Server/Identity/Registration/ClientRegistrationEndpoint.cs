using System.Security.Cryptography;
using System.Text.Json.Serialization;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// RFC 7591 dynamic client registration, for public clients only (MCP clients register themselves this way).
/// A registered client gets no secret and no power of its own: it can only send a user through the authorization
/// code flow with PKCE to one of the redirect URIs checked here, and the user must sign in. The endpoint is
/// anonymous by nature and therefore covered by the global rate limit like every other request.
/// </summary>
internal static partial class ClientRegistrationEndpoint
{
    private const int MaxRedirectUris = 10;
    private const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapClientRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + Authority.EmbeddedAuthority.RegisterPath, RegisterAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("RegisterClient")
            .WithSummary("Registers a public OAuth client (RFC 7591).");
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, IOpenIddictApplicationManager applications, Audiences audiences, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ClientMetadata? metadata;
        try
        {
            metadata = await context.Request.ReadFromJsonAsync<ClientMetadata>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return Error("invalid_client_metadata", "The body is not a JSON client metadata document.");
        }
        catch (InvalidOperationException)
        {
            return Error("invalid_client_metadata", "The body must be application/json.");
        }

        if (metadata is null)
        {
            return Error("invalid_client_metadata", "The body is not a JSON client metadata document.");
        }

        if (metadata.RedirectUris is not { Count: > 0 and <= MaxRedirectUris } redirects)
        {
            return Error("invalid_redirect_uri", $"redirect_uris must list 1 to {MaxRedirectUris} URIs.");
        }

        if (redirects.Any(r => !RedirectUriPolicy.IsAllowed(r)))
        {
            return Error("invalid_redirect_uri", "Every redirect URI must be https, or http on a loopback address (127.0.0.1, [::1], localhost), without a fragment.");
        }

        if (metadata.PostLogoutRedirectUris is { } logouts && (logouts.Count > MaxRedirectUris || logouts.Any(r => !RedirectUriPolicy.IsAllowed(r))))
        {
            return Error("invalid_client_metadata", "post_logout_redirect_uris follow the same rules as redirect_uris.");
        }

        if (metadata.TokenEndpointAuthMethod is { } method && method != ClientAuthenticationMethods.None)
        {
            return Error("invalid_client_metadata", "Only public clients may register: token_endpoint_auth_method must be \"none\".");
        }

        if (metadata.GrantTypes?.Except([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken]).Any() == true)
        {
            return Error("invalid_client_metadata", "grant_types may contain only authorization_code and refresh_token.");
        }

        if (metadata.ResponseTypes?.Except([ResponseTypes.Code]).Any() == true)
        {
            return Error("invalid_client_metadata", "response_types may contain only code.");
        }

        if (metadata.ClientName is { Length: > MaxNameLength })
        {
            return Error("invalid_client_metadata", $"client_name is longer than {MaxNameLength} characters.");
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ClientType = ClientTypes.Public,
            ApplicationType = redirects.All(r => new Uri(r).Scheme == Uri.UriSchemeHttps) ? ApplicationTypes.Web : ApplicationTypes.Native,
            DisplayName = metadata.ClientName,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
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
        foreach (var redirect in redirects)
        {
            descriptor.RedirectUris.Add(new Uri(redirect));
        }

        foreach (var logout in metadata.PostLogoutRedirectUris ?? [])
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(logout));
        }

        await applications.CreateAsync(descriptor, cancellationToken);
        LogRegistered(loggers.CreateLogger(typeof(ClientRegistrationEndpoint)), descriptor.ClientId, redirects.Count);

        return Results.Json(
            new RegisteredClient(
                descriptor.ClientId,
                time.GetUtcNow().ToUnixTimeSeconds(),
                metadata.ClientName,
                redirects,
                metadata.PostLogoutRedirectUris,
                [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
                [ResponseTypes.Code],
                ClientAuthenticationMethods.None),
            statusCode: StatusCodes.Status201Created);
    }

    private static IResult Error(string code, string description)
        => Results.Json(new RegistrationError(code, description), statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered public client {ClientId} with {RedirectCount} redirect URI(s)")]
    private static partial void LogRegistered(ILogger logger, string clientId, int redirectCount);

    internal sealed record ClientMetadata(
        [property: JsonPropertyName("redirect_uris")] List<string>? RedirectUris,
        [property: JsonPropertyName("post_logout_redirect_uris")] List<string>? PostLogoutRedirectUris,
        [property: JsonPropertyName("client_name")] string? ClientName,
        [property: JsonPropertyName("token_endpoint_auth_method")] string? TokenEndpointAuthMethod,
        [property: JsonPropertyName("grant_types")] List<string>? GrantTypes,
        [property: JsonPropertyName("response_types")] List<string>? ResponseTypes);

    internal sealed record RegisteredClient(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_id_issued_at")] long ClientIdIssuedAt,
        [property: JsonPropertyName("client_name")] string? ClientName,
        [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris,
        [property: JsonPropertyName("post_logout_redirect_uris")] IReadOnlyList<string>? PostLogoutRedirectUris,
        [property: JsonPropertyName("grant_types")] IReadOnlyList<string> GrantTypes,
        [property: JsonPropertyName("response_types")] IReadOnlyList<string> ResponseTypes,
        [property: JsonPropertyName("token_endpoint_auth_method")] string TokenEndpointAuthMethod);

    internal sealed record RegistrationError(
        [property: JsonPropertyName("error")] string Code,
        [property: JsonPropertyName("error_description")] string Description);
}
