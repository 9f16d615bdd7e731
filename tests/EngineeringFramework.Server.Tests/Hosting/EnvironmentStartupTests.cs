using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>Only an environment named exactly Development relaxes anything; Staging is Production by another name.</summary>
public sealed class EnvironmentStartupTests
{
    [Theory]
    [InlineData("Staging")]
    [InlineData("production")]
    public async Task Staging_without_keys_refuses_to_start_with_the_Production_messages(string environment)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(environment, new Dictionary<string, string?>
        {
            ["PUBLIC_URL"] = null,
            ["ENCRYPTION_KEY"] = null,
            ["AUTH_SIGNING_KEY"] = null,
        }));

        Assert.Contains("PUBLIC_URL is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("ENCRYPTION_KEY is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("Neither AUTH_SIGNING_KEY nor AUTH_AUTHORITY is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staging_refuses_an_http_public_url()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Staging", new Dictionary<string, string?>
        {
            ["PUBLIC_URL"] = "http://ef.example.test",
        }));

        Assert.Contains("PUBLIC_URL must use https in Production", error.Message, StringComparison.Ordinal);
        Assert.Contains("(Staging, which runs with Production's rules)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staging_with_its_keys_runs_like_Production_and_writes_no_development_keys()
    {
        await using var app = await TestApp.StartAsync("Staging");

        // Both keys are made on first use: ask for them, then look for generated ones.
        _ = app.App.Services.GetRequiredService<SecretBox>();
        var jwks = await app.Client.GetAsync("/.well-known/jwks", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, jwks.StatusCode);
        Assert.Equal("https://ef.example.test", app.App.Services.GetRequiredService<Audiences>().Issuer.TrimEnd('/'));
        Assert.Empty(Directory.GetFiles(app.DataDirectory, "development-*"));
        Assert.True(jwks.Headers.Contains("Strict-Transport-Security"), "HSTS is sent outside Development");
    }

    [Fact]
    public async Task Development_spelled_in_lower_case_is_refused_rather_than_half_applied()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("development"));

        Assert.Contains("ASPNETCORE_ENVIRONMENT is 'development'", error.Message, StringComparison.Ordinal);
    }
}
