using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class ClientRegistrationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://example.com/callback")]
    [InlineData("http://192.168.1.10/callback")]
    [InlineData("https://app.example.com/callback#fragment")]
    [InlineData("myapp://callback")]
    [InlineData("not a uri")]
    public async Task Registration_with_a_disallowed_redirect_uri_is_refused_per_rfc_7591(string redirectUri)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync(new Uri("/connect/register", UriKind.Relative), new { redirect_uris = new[] { redirectUri } }, Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_redirect_uri", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Registration_of_a_confidential_client_is_refused_as_invalid_metadata()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync(new Uri("/connect/register", UriKind.Relative), new { redirect_uris = new[] { "https://app.example.com/cb" }, token_endpoint_auth_method = "client_secret_basic" }, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task Discovery_advertises_registration_public_clients_and_s256_only(string path)
    {
        await using var app = await TestApp.StartAsync();

        var document = await app.Client.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative), Cancel);

        Assert.EndsWith("/connect/register", document.GetProperty("registration_endpoint").GetString(), StringComparison.Ordinal);
        Assert.Contains("none", document.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.EndsWith("/connect/revoke", document.GetProperty("revocation_endpoint").GetString(), StringComparison.Ordinal);
        Assert.Contains("none", document.GetProperty("revocation_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["S256"], document.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }
}
