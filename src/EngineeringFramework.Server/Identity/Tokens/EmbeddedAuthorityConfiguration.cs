using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace EngineeringFramework.Server.Identity.Tokens;

/// <summary>
/// In embedded mode the issuer lives in this process: the validator reads the very key set the JWKS endpoint
/// publishes (current and, while rotating, previous public keys) instead of fetching it over HTTP from our own
/// public URL. A token whose kid is in neither is refused, exactly as after a JWKS refresh.
/// </summary>
internal sealed class EmbeddedAuthorityConfiguration(string issuer, SigningKeys keys) : IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly OpenIdConnectConfiguration configuration = Build(issuer, keys);

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => Task.FromResult(configuration);

    // Keys change only with the process's configuration (a restart), so there is nothing to refetch.
    public void RequestRefresh()
    {
    }

    private static OpenIdConnectConfiguration Build(string issuer, SigningKeys keys)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer };
        foreach (var key in keys.PublicKeys)
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}
