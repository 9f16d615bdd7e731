using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using EngineeringFramework.Server.Tests.Identity.Support;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// Tokens an attacker could present to the REST API, each through the real pipeline. Every one is refused with
/// 401; the control case (a properly signed token for the API audience) gets 200, so the refusals are not an
/// artefact of a broken setup.
/// </summary>
public sealed class BearerTokenForgeryTests(BearerTokenFixture fixture) : IClassFixture<BearerTokenFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private string Kid => fixture.Keys.Current.KeyId;

    private string Valid(string subject = "valid-subject")
        => Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now, subject: subject), Jwt.Rs256(fixture.Keys.Current.Rsa));

    private async Task<HttpStatusCode> CallMeAsync(string? token, string path = "/api/v1/me")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await fixture.App.Client.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    [Fact]
    public async Task Valid_rs256_token_for_the_api_audience_is_accepted_and_answers_the_caller()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Valid("me-subject"));

        using var response = await fixture.App.Client.SendAsync(request, Cancel);
        var me = await response.Content.ReadFromJsonAsync<MeBody>(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("me-subject@example.test", me!.Email);
        Assert.Empty(me.Memberships);
    }

    [Fact]
    public async Task Request_without_a_token_is_refused() => Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(null));

    [Fact]
    public async Task Unsigned_token_with_alg_none_is_refused()
    {
        var token = Jwt.Create(Jwt.Header("none", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now), sign: null);

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_signed_with_hs256_using_the_public_key_is_refused()
    {
        // The classic key-confusion attack: the public key is public, so an HMAC keyed with it is forgeable by anyone.
        var publicPem = Encoding.ASCII.GetBytes(fixture.Keys.Current.Rsa.ExportSubjectPublicKeyInfoPem());
        var token = Jwt.Create(Jwt.Header("HS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now), Jwt.Hs256(publicPem));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims("https://evil.example/", fixture.Audiences.Api, Now), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, "https://other.example/api", Now), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_without_an_audience_is_refused()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, audience: null, Now), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_for_the_mcp_audience_is_refused_by_the_api_and_accepted_by_mcp()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Mcp, Now), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(token, AudienceProbeEndpoints.McpProbe));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(Valid(), AudienceProbeEndpoints.McpProbe));
    }

    [Fact]
    public async Task Expired_token_is_refused_beyond_the_clock_skew()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now, notBefore: TimeSpan.FromMinutes(-20), expires: TimeSpan.FromSeconds(-45)), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_without_an_expiry_is_refused()
    {
        var claims = Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now);
        claims.Remove("exp");

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(Jwt.Create(Jwt.Header("RS256", Kid), claims, Jwt.Rs256(fixture.Keys.Current.Rsa))));
    }

    /// <summary>The refusal says only "Bearer": why a token failed (expired, wrong audience, bad signature) helps a forger, not a client.</summary>
    [Fact]
    public async Task A_refused_token_is_answered_without_the_reason()
    {
        var expired = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now, notBefore: TimeSpan.FromMinutes(-20), expires: TimeSpan.FromMinutes(-10)), Jwt.Rs256(fixture.Keys.Current.Rsa));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        using var response = await fixture.App.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.True(string.IsNullOrEmpty(challenge.Parameter), $"the challenge says why: {challenge.Parameter}");
    }

    [Fact]
    public async Task Token_not_yet_valid_is_refused_beyond_the_clock_skew()
    {
        var token = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now, notBefore: TimeSpan.FromSeconds(45), expires: TimeSpan.FromMinutes(10)), Jwt.Rs256(fixture.Keys.Current.Rsa));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    [Fact]
    public async Task Token_signed_by_an_unknown_key_is_refused()
    {
        using var stranger = RSA.Create(2048);
        var token = Jwt.Create(Jwt.Header("RS256", "unknown-kid"), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now), Jwt.Rs256(stranger));
        var impostor = Jwt.Create(Jwt.Header("RS256", Kid), Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now), Jwt.Rs256(stranger));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(impostor));
    }

    [Fact]
    public async Task Token_with_a_tampered_payload_is_refused()
    {
        var parts = Valid("honest-subject").Split('.');
        parts[1] = Jwt.Segment(Jwt.Claims(fixture.Audiences.Issuer, fixture.Audiences.Api, Now, subject: "someone-else"));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(string.Join('.', parts)));
    }

    [Fact]
    public async Task Valid_token_in_the_query_string_is_refused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(null, "/api/v1/me?access_token=" + Valid()));
    }

    private sealed record MeBody(Guid Id, string Email, string DisplayName, List<object> Memberships);
}
