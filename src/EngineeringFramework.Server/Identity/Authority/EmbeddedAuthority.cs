using EngineeringFramework.Server.Identity.Store;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Identity.Authority;

/// <summary>
/// The in-process OpenID Connect authority (OpenIddict server). It behaves like any external provider:
/// authorization code flow with PKCE S256 only, rotating refresh tokens, RS256 JWT access tokens that are
/// signed but not encrypted (resource servers, ours included, must be able to read them), <c>aud</c> set from
/// the RFC 8707 <c>resource</c> parameter, and the issuer equal to <c>PUBLIC_URL</c>.
/// </summary>
internal static class EmbeddedAuthority
{
    public const string AuthorizePath = "connect/authorize";
    public const string TokenPath = "connect/token";
    public const string EndSessionPath = "connect/endsession";
    public const string RevokePath = "connect/revoke";
    public const string RegisterPath = "connect/register";
    public const string JwksPath = ".well-known/jwks";

    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddEmbeddedAuthority(this IServiceCollection services, Audiences audiences, IHostEnvironment environment)
    {
        services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<IdentityStoreDbContext>();
                o.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, Registration.LoopbackRedirectUris>();
            })
            .AddServer(o =>
            {
                o.SetIssuer(new Uri(audiences.Issuer));
                o.SetAuthorizationEndpointUris(AuthorizePath)
                    .SetTokenEndpointUris(TokenPath)
                    .SetEndSessionEndpointUris(EndSessionPath)
                    // RFC 7009: a client signing out hands back its token; the grant it belongs to ends (Grants.RevocationEndsTheGrant).
                    .SetRevocationEndpointUris(RevokePath)
                    .SetJsonWebKeySetEndpointUris(JwksPath)
                    // RFC 8414 clients (MCP among them) look for the second name; both serve one document.
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", ".well-known/oauth-authorization-server");

                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                o.RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile, Scopes.OfflineAccess);
                o.RegisterResources(audiences.Api, audiences.Mcp);
                o.DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(AccessTokenLifetime);
                o.SetRefreshTokenLifetime(TimeSpan.FromDays(14));

                // Strict rotation: a refresh token works once, with no grace period, so a replayed (stolen) one fails.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));

                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (environment.IsDevelopment())
                {
                    // Development serves plain http on localhost; everywhere else OpenIddict refuses non-TLS requests.
                    aspNetCore.DisableTransportSecurityRequirement();
                }

                o.AddEventHandler(Registration.MetadataDocumentClients.Descriptor);
                o.AddEventHandler(Grants.RevocationEndsTheGrant.Descriptor);
                o.AddEventHandler(Grants.ReplayEndsTheGrant.Descriptor);
                o.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(b => b.UseInlineHandler(context =>
                {
                    // Dynamic client registration is ours (RFC 7591); public clients authenticate with PKCE only.
                    context.Metadata["registration_endpoint"] = audiences.Issuer.TrimEnd('/') + "/" + RegisterPath;

                    // The MCP specification's preferred client identity: an https client_id naming its own metadata document.
                    context.Metadata["client_id_metadata_document_supported"] = true;
                    foreach (var methods in new[] { context.TokenEndpointAuthenticationMethods, context.RevocationEndpointAuthenticationMethods })
                    {
                        if (!methods.Contains(ClientAuthenticationMethods.None))
                        {
                            methods.Add(ClientAuthenticationMethods.None);
                        }
                    }

                    return default;
                }));
            });

        services.AddOptions<OpenIddictServerOptions>().Configure<SigningKeys, TokenEncryptionKey>((options, keys, encryption) =>
        {
            options.EncryptionCredentials.Add(encryption.Credentials);

            // Current key first: OpenIddict signs with the first credential and publishes all of them.
            foreach (var key in keys.All)
            {
                options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }

            // "plain" PKCE would let an intercepted code be redeemed by anyone who saw the request: S256 only.
            options.CodeChallengeMethods.Clear();
            options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);

            // Codes travel in the redirect's query (OAuth 2.1). form_post would need an auto-submitting page, which our
            // Content-Security-Policy (no inline script) rightly refuses to run, and fragment belongs to implicit flows.
            options.ResponseModes.Clear();
            options.ResponseModes.Add(ResponseModes.Query);
        });
        services.AddScoped<Registration.MetadataDocumentClients>();
        services.AddHttpClient<Registration.MetadataDocumentFetcher>(Registration.MetadataDocumentFetcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Development may serve a document from the developer's own machine; nowhere else may a stranger's URL reach in.
                ConnectCallback = Registration.PublicAddresses.ConnectAsync(allowLoopback: environment.IsDevelopment()),
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = Registration.MetadataDocumentFetcher.Timeout,
            });
        services.AddSingleton<Registration.UnusedClientSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<Registration.UnusedClientSweeper>());
        return services;
    }
}
