using System.Security.Cryptography;
using System.Text.Json.Serialization;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// RFC 7591 dynamic client registration, for public clients only (MCP clients register themselves this way; those that
/// support it use a Client ID Metadata Document instead, see <see cref="MetadataDocumentClients"/>). A registered client
/// gets no secret and no power of its own: it can only send a person through the authorization code flow with PKCE to
/// one of the redirect URIs checked here, and the person must sign in and approve it on the consent page. The endpoint
/// is anonymous by nature: it is rate-limited per client address (<see cref="Hosting.RateLimiting.ClientRegistrationPolicy"/>),
/// and a registration nobody ever approves is deleted after a day (<see cref="UnusedClientSweeper"/>).
/// </summary>
internal static partial class ClientRegistrationEndpoint
{
    public static IEndpointRouteBuilder MapClientRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + Authority.EmbeddedAuthority.RegisterPath, RegisterAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(Hosting.RateLimiting.ClientRegistrationPolicy)
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

        if (metadata.Problem() is var (code, description))
        {
            return Error(code, description);
        }

        var now = time.GetUtcNow();
        var descriptor = PublicClients.Describe(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), metadata, audiences, PublicClients.DynamicRegistration, now);
        var redirects = metadata.RedirectUris!;
        await applications.CreateAsync(descriptor, cancellationToken);
        LogRegistered(loggers.CreateLogger(typeof(ClientRegistrationEndpoint)), descriptor.ClientId!, redirects.Count);

        return Results.Json(
            new RegisteredClient(
                descriptor.ClientId!,
                now.ToUnixTimeSeconds(),
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
