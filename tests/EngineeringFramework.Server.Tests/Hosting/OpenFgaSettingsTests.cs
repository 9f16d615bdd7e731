using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class OpenFgaSettingsTests
{
    private const string Ulid = "01HVMMBCMGZNT3SED4Z17ECXCA";

    private static (OpenFgaSettings? Settings, List<string> Errors) Read(Dictionary<string, string?> values)
    {
        var errors = new List<string>();
        return (OpenFgaSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors), errors);
    }

    [Fact]
    public void Without_an_api_url_the_embedded_engine_serves()
    {
        var (settings, errors) = Read([]);

        Assert.Null(settings);
        Assert.Empty(errors);
    }

    [Fact]
    public void All_four_settings_are_read()
    {
        var (settings, errors) = Read(new() { ["OPENFGA_API_URL"] = "http://openfga:8080", ["OPENFGA_STORE_ID"] = Ulid, ["OPENFGA_MODEL_ID"] = Ulid, ["OPENFGA_API_TOKEN"] = "s3cret" });

        Assert.Empty(errors);
        Assert.Equal(new Uri("http://openfga:8080/"), settings!.ApiUrl);
        Assert.Equal(Ulid, settings.StoreId);
        Assert.Equal(Ulid, settings.ModelId);
        Assert.Equal("s3cret", settings.ApiToken);
        Assert.DoesNotContain("s3cret", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openfga:8080")]
    [InlineData("ftp://openfga/")]
    [InlineData("http://user:pw@openfga/")]
    [InlineData("relative/path")]
    public void A_malformed_api_url_is_refused_by_name(string url)
    {
        var (settings, errors) = Read(new() { ["OPENFGA_API_URL"] = url, ["OPENFGA_STORE_ID"] = Ulid });

        Assert.Null(settings);
        Assert.Single(errors, e => e.StartsWith("OPENFGA_API_URL must be", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OPENFGA_STORE_ID")]
    [InlineData("OPENFGA_MODEL_ID")]
    public void An_id_that_is_not_a_ulid_is_refused_by_name(string key)
    {
        var (settings, errors) = Read(new() { ["OPENFGA_API_URL"] = "http://openfga:8080", [key] = "my-store" });

        Assert.Null(settings);
        Assert.Single(errors, e => e.StartsWith(key + " must be", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OPENFGA_STORE_ID", Ulid)]
    [InlineData("OPENFGA_MODEL_ID", Ulid)]
    [InlineData("OPENFGA_API_TOKEN", "s3cret")]
    public void An_openfga_setting_without_the_api_url_is_refused_rather_than_ignored(string key, string value)
    {
        var (_, errors) = Read(new() { [key] = value });

        Assert.Single(errors, e => e.StartsWith(key + " is set but OPENFGA_API_URL is not", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_token_with_spaces_is_refused_without_echoing_it()
    {
        var (_, errors) = Read(new() { ["OPENFGA_API_URL"] = "http://openfga:8080", ["OPENFGA_API_TOKEN"] = "two words" });

        var error = Assert.Single(errors);
        Assert.StartsWith("OPENFGA_API_TOKEN must be", error, StringComparison.Ordinal);
        Assert.DoesNotContain("two words", error, StringComparison.Ordinal);
    }
}
