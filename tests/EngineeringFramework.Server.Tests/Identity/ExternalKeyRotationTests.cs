using System.Net;
using System.Security.Cryptography;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// An external provider rotates its signing key: it publishes a new key in its JWKS and starts signing with it. The
/// server fetched the provider's keys once, at its first token, and would otherwise keep them for hours (the
/// configuration manager's automatic refresh); a token naming a key id it does not know makes it fetch the keys again,
/// so the rotation reaches it without a restart. The provider is a document server publishing a discovery document and a
/// JWKS that the test changes.
/// <para>
/// Two mechanisms do this: JwtBearer's <c>RefreshOnIssuerKeyNotFound</c> (set by BearerTokenValidation) and the token
/// handler's own retry after a refresh when the key is not found (Microsoft.IdentityModel 8). With the option turned off
/// this test still passes, which is why the mutation run's surviving mutant of that line is counted as equivalent; the
/// option stays on so that rotation does not hang on one library's behaviour.
/// </para>
/// </summary>
public sealed class ExternalKeyRotationTests : IAsyncLifetime
{
    private const string JwksPath = "/jwks";

    private readonly RSA first = RSA.Create(2048);
    private readonly RSA second = RSA.Create(2048);
    private DocumentServer provider = null!;
    private TestApp resource = null!;
    private Audiences audiences = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        provider = await DocumentServer.StartAsync();
        var issuer = provider.BaseAddress.AbsoluteUri;
        provider.Serve("/.well-known/openid-configuration", _ => new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = new Uri(provider.BaseAddress, JwksPath).AbsoluteUri,
            ["authorization_endpoint"] = new Uri(provider.BaseAddress, "/authorize").AbsoluteUri,
            ["token_endpoint"] = new Uri(provider.BaseAddress, "/token").AbsoluteUri,
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        });
        Publish(("k1", first));
        resource = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AUTH_AUTHORITY"] = issuer,
            ["AUTH_CLIENT_ID"] = "ef-web",
            ["AUTH_CLIENT_SECRET"] = "a-client-secret-for-tests",
            ["AUTH_AUDIENCES"] = "https://api.rotation.test,https://mcp.rotation.test",
        });
        audiences = resource.App.Services.GetRequiredService<Audiences>();
    }

    public async ValueTask DisposeAsync()
    {
        await resource.DisposeAsync();
        await provider.DisposeAsync();
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task A_token_signed_with_the_providers_new_key_is_accepted_once_the_keys_are_fetched_again()
    {
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(Token("k1", first)));
        var fetchedBefore = provider.Fetches(JwksPath);
        Assert.True(fetchedBefore >= 1, "The provider's keys were never fetched.");

        // The provider rotates: both keys published, the new one signing from now on.
        Publish(("k1", first), ("k2", second));

        // The configuration manager refreshes in the background after the first unknown key id, so the first requests
        // with the new key may still be judged with the keys it had; the new key must be taken well before the hours its
        // automatic refresh would take.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        var status = HttpStatusCode.Unauthorized;
        while (status != HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline)
        {
            status = await CallMeAsync(Token("k2", second));
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), Cancel);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(provider.Fetches(JwksPath) > fetchedBefore, "The new key was accepted without the keys being fetched again.");

        // The old key still published keeps working; a key id the provider never published does not.
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(Token("k1", first)));
        using var stranger = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(Token("k3", stranger)));
    }

    private string Token(string kid, RSA key) =>
        Jwt.Create(Jwt.Header("RS256", kid), Jwt.Claims(audiences.Issuer, audiences.Api, DateTimeOffset.UtcNow, subject: "rotation-" + kid), Jwt.Rs256(key));

    private void Publish(params (string Kid, RSA Key)[] keys) => provider.Serve(JwksPath, _ => new Dictionary<string, object>
    {
        ["keys"] = keys.Select(k =>
        {
            var parameters = k.Key.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = k.Kid,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }).ToArray(),
    });

    private async Task<HttpStatusCode> CallMeAsync(string token)
    {
        using var client = resource.ClientWithToken(token);
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
