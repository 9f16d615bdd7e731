using System.Security.Cryptography;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Hosting;
using Microsoft.Extensions.FileProviders;

namespace EngineeringFramework.Server.Tests.Hosting;

public sealed class ServerSettingsTests
{
    private static readonly string ValidKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static (ServerSettings? Settings, IReadOnlyList<string> Errors) Read(string environment, Dictionary<string, string?> values)
        => ServerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), new Environment(environment));

    [Fact]
    public void Development_needs_no_settings_at_all()
    {
        var (settings, errors) = Read("Development", []);

        Assert.Empty(errors);
        Assert.Equal(DatabaseProvider.Sqlite, settings!.Database.Provider);
        Assert.Null(settings.EncryptionKey);
        Assert.True(settings.MigrateOnStart);
        Assert.EndsWith("data", settings.DataDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_requires_encryption_key_and_public_url_and_names_each()
    {
        var (settings, errors) = Read("Production", []);

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith("ENCRYPTION_KEY is not set", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PUBLIC_URL is not set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "https://api.github.com/")]
    [InlineData("https://github.example.com/api/v3", "https://github.example.com/api/v3/")]
    [InlineData("http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    public void GitHub_api_url_defaults_to_github_com_and_gets_a_trailing_slash(string? value, string expected)
    {
        var (settings, errors) = Read("Development", new() { ["GITHUB_API_URL"] = value });

        Assert.Empty(errors);
        Assert.Equal(new Uri(expected), settings!.GitHubApiUrl);
    }

    [Theory]
    [InlineData("api.github.com")]
    [InlineData("ftp://github.example.com/")]
    [InlineData("https://user:secret@github.example.com/api/v3/")]
    [InlineData("https://github.example.com/api/v3/?x=1")]
    public void A_malformed_GitHub_api_url_is_refused_by_name(string value)
    {
        var (settings, errors) = Read("Development", new() { ["GITHUB_API_URL"] = value });

        Assert.Null(settings);
        Assert.Single(errors, e => e.StartsWith("GITHUB_API_URL must be", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    public void Production_refuses_a_short_encryption_key(int size)
    {
        var (_, errors) = Read("Production", new() { ["PUBLIC_URL"] = "https://ef.example.com", ["ENCRYPTION_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(size)) });

        Assert.Equal([$"ENCRYPTION_KEY decodes to {size} bytes; it must be exactly 32 bytes (256 bits)."], errors);
    }

    [Fact]
    public void Production_does_not_migrate_on_start_unless_told_to()
    {
        var values = new Dictionary<string, string?> { ["PUBLIC_URL"] = "https://ef.example.com/", ["ENCRYPTION_KEY"] = ValidKey };

        var (settings, _) = Read("Production", values);
        values["MIGRATE_ON_START"] = "true";
        var (allowed, _) = Read("Production", values);

        Assert.False(settings!.MigrateOnStart);
        Assert.True(allowed!.MigrateOnStart);
        Assert.Equal("https://ef.example.com/", settings.PublicUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData("PUBLIC_URL", "http://ef.example.com", "PUBLIC_URL must use https in Production")]
    [InlineData("PUBLIC_URL", "not a url", "PUBLIC_URL must be an absolute http(s) URL")]
    [InlineData("DATABASE_URL", "mysql://nope", "DATABASE_URL is malformed")]
    [InlineData("CORS_ALLOWED_ORIGINS", "https://ok.example.com,https://bad.example.com/path", "CORS_ALLOWED_ORIGINS entry 'https://bad.example.com/path'")]
    [InlineData("CORS_ALLOWED_ORIGINS", "*", "CORS_ALLOWED_ORIGINS entry '*'")]
    [InlineData("TRUSTED_PROXIES", "10.0.0.1,proxy.internal", "TRUSTED_PROXIES entry 'proxy.internal'")]
    [InlineData("MIGRATE_ON_START", "sometimes", "MIGRATE_ON_START must be true or false")]
    public void Malformed_setting_is_reported_by_name(string key, string value, string expected)
    {
        var values = new Dictionary<string, string?> { ["PUBLIC_URL"] = "https://ef.example.com", ["ENCRYPTION_KEY"] = ValidKey, [key] = value };

        var (settings, errors) = Read("Production", values);

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Test")]
    [InlineData("production")]
    public void Every_environment_but_Development_runs_with_Production_rules(string environment)
    {
        var (settings, errors) = Read(environment, []);
        var (_, httpErrors) = Read(environment, new() { ["PUBLIC_URL"] = "http://ef.example.com", ["ENCRYPTION_KEY"] = ValidKey });

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith("ENCRYPTION_KEY is not set", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PUBLIC_URL is not set", StringComparison.Ordinal));
        Assert.Equal(["PUBLIC_URL must use https in Production: tokens and session cookies travel over it."], httpErrors);
    }

    [Theory]
    [InlineData("development")]
    [InlineData("DEVELOPMENT")]
    public void Development_spelled_in_another_case_is_refused_by_name(string environment)
    {
        var (settings, errors) = Read(environment, new() { ["PUBLIC_URL"] = "https://ef.example.com", ["ENCRYPTION_KEY"] = ValidKey });

        Assert.Null(settings);
        Assert.Equal($"ASPNETCORE_ENVIRONMENT is '{environment}'", Assert.Single(errors).Split(':')[0]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (_, errors) = Read("Production", new() { ["DATABASE_URL"] = "mysql://x", ["TRUSTED_PROXIES"] = "nope" });

        Assert.Equal(4, errors.Count);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "EngineeringFramework.Server";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
