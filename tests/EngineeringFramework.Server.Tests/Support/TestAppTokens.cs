using System.Net.Http.Headers;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Tokens;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>Real RS256 tokens minted per test user with the server's own key, on clients of the real pipeline.</summary>
internal static class TestAppTokens
{
    /// <summary>A client calling the REST API as the user with this subject (created on first call).</summary>
    public static HttpClient ApiClientFor(this TestApp app, string subject, string? email = null)
        => app.ClientWithToken(app.MintToken(subject, email ?? $"{subject}@example.com", app.App.Services.GetRequiredService<Audiences>().Api));

    public static string MintToken(this TestApp app, string subject, string? email, string audience)
        => app.App.Services.GetRequiredService<AccessTokenMinter>().Mint(subject, email, audience, TimeSpan.FromMinutes(10));

    public static HttpClient ClientWithToken(this TestApp app, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
