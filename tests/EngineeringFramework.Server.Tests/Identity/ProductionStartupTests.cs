using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity;

public sealed class ProductionStartupTests
{
    [Fact]
    public async Task Production_refuses_to_start_without_a_signing_key_or_an_external_authority()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Production", new Dictionary<string, string?> { ["AUTH_SIGNING_KEY"] = null }));

        Assert.Contains("Neither AUTH_SIGNING_KEY nor AUTH_AUTHORITY is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_starts_with_an_external_authority_and_no_signing_key()
    {
        await using var app = await TestApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = null,
            ["AUTH_AUTHORITY"] = "https://tenant.auth0.example/",
            ["AUTH_CLIENT_ID"] = "client",
            ["AUTH_CLIENT_SECRET"] = "secret",
            ["AUTH_AUDIENCES"] = "https://ef.example.test/api,https://ef.example.test/mcp",
        });

        Assert.NotNull(app.Client);
    }

    [Fact]
    public async Task External_authority_without_its_client_settings_is_refused_naming_each()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AUTH_SIGNING_KEY"] = null,
            ["AUTH_AUTHORITY"] = "https://tenant.auth0.example/",
        }));

        Assert.Contains("AUTH_CLIENT_ID is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("AUTH_CLIENT_SECRET is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("AUTH_AUDIENCES is not set", error.Message, StringComparison.Ordinal);
    }
}
