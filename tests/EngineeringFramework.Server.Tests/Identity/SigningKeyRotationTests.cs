using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Identity.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Rotation: the operator sets the new key as AUTH_SIGNING_KEY and moves the old one to AUTH_SIGNING_KEY_PREVIOUS;
/// tokens of both are accepted (and both keys published) until the old one is removed, then its tokens are refused.
/// </summary>
public sealed class SigningKeyRotationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tokens_of_the_old_and_new_key_are_accepted_while_both_are_configured_and_the_old_is_refused_once_removed()
    {
        using var oldKey = RSA.Create(2048);
        using var newKey = RSA.Create(2048);

        string oldToken, newToken;
        await using (var rotating = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = newKey.ExportPkcs8PrivateKeyPem(),
            ["AUTH_SIGNING_KEY_PREVIOUS"] = oldKey.ExportPkcs8PrivateKeyPem(),
        }))
        {
            var audiences = rotating.App.Services.GetRequiredService<Audiences>();
            oldToken = Sign(oldKey, audiences);
            newToken = Sign(newKey, audiences);

            Assert.Equal(HttpStatusCode.OK, await CallMeAsync(rotating, oldToken));
            Assert.Equal(HttpStatusCode.OK, await CallMeAsync(rotating, newToken));
            var published = await PublishedKidsAsync(rotating);
            Assert.Contains(KidOf(oldKey), published);
            Assert.Contains(KidOf(newKey), published);
        }

        // Same database would not matter: keys come from configuration only. A fresh instance with the new key alone.
        await using var rotated = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["AUTH_SIGNING_KEY"] = newKey.ExportPkcs8PrivateKeyPem() });
        var rotatedAudiences = rotated.App.Services.GetRequiredService<Audiences>();

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(rotated, Sign(oldKey, rotatedAudiences)));
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(rotated, Sign(newKey, rotatedAudiences)));
        Assert.DoesNotContain(KidOf(oldKey), await PublishedKidsAsync(rotated));
    }

    [Fact]
    public async Task The_authority_signs_with_the_current_key_not_the_previous_one()
    {
        using var oldKey = RSA.Create(2048);
        using var newKey = RSA.Create(2048);
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = newKey.ExportPkcs8PrivateKeyPem(),
            ["AUTH_SIGNING_KEY_PREVIOUS"] = oldKey.ExportPkcs8PrivateKeyPem(),
        });

        var token = app.App.Services.GetRequiredService<EngineeringFramework.Server.Identity.Tokens.AccessTokenMinter>()
            .Mint("someone", "someone@example.test", app.App.Services.GetRequiredService<Audiences>().Api, TimeSpan.FromMinutes(5));

        Assert.Equal(KidOf(newKey), new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Kid);
    }

    private static string KidOf(RSA key) => SigningKeys.KeyIdOf(new RsaSecurityKey(key.ExportParameters(includePrivateParameters: false)));

    private static string Sign(RSA key, Audiences audiences)
        => Jwt.Create(Jwt.Header("RS256", KidOf(key)), Jwt.Claims(audiences.Issuer, audiences.Api, DateTimeOffset.UtcNow, subject: "rotating-" + KidOf(key)[..8]), Jwt.Rs256(key));

    private static async Task<HttpStatusCode> CallMeAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await app.Client.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    private static async Task<List<string>> PublishedKidsAsync(TestApp app)
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync(new Uri("/.well-known/jwks", UriKind.Relative), Cancel));
        return [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
