using System.Security.Cryptography;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>The executable as operators run it: start-up checks, commands, usage.</summary>
public sealed class ExecutableTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Production_without_encryption_key_exits_nonzero_naming_it()
    {
        using var server = ServerProcess.Start(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["PUBLIC_URL"] = "https://ef.example.com",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });

        var (exitCode, output, error) = await server.WaitForExitAsync(Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ENCRYPTION_KEY is not set", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_with_a_16_byte_encryption_key_exits_nonzero_naming_it()
    {
        using var server = ServerProcess.Start(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["PUBLIC_URL"] = "https://ef.example.com",
            ["ENCRYPTION_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });

        var (exitCode, output, error) = await server.WaitForExitAsync(Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ENCRYPTION_KEY decodes to 16 bytes", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_defaults_serve_health_with_no_configuration()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ef-exe-").FullName;
        var baseAddress = ServerProcess.FreeLoopbackAddress();
        var server = await ServerProcess.StartHealthyAsync(
            new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["DATA_DIR"] = dataDirectory }, baseAddress, "/health/ready");

        try
        {
            Assert.True(File.Exists(Path.Combine(dataDirectory, "engineering-framework.db")));
            Assert.True(File.Exists(Path.Combine(dataDirectory, "development-encryption.key")));
        }
        finally
        {
            server.Dispose();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("migrate", "extra-word")]
    public async Task Unknown_command_prints_usage_and_exits_nonzero(params string[] args)
    {
        using var server = ServerProcess.Start(new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, args);

        var (exitCode, _, error) = await server.WaitForExitAsync(Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unrecognized command or argument", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_applies_migrations_and_exits_zero()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ef-exe-").FullName;
        using var server = ServerProcess.Start(new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["DATA_DIR"] = dataDirectory }, "migrate");

        var (exitCode, output, _) = await server.WaitForExitAsync(Timeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("Database is up to date.", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "engineering-framework.db")));
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Framework_validate_prints_the_counts_of_the_default_framework()
    {
        using var server = ServerProcess.Start(new Dictionary<string, string?>(), "framework", "validate", EngineeringFramework.Testing.Repository.InRepository("content", "default-framework"));

        var (exitCode, output, _) = await server.WaitForExitAsync(Timeout);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^categories=\d+ subcategories=\d+ items=\d+ templates=\d+\s*$", output);
    }

    [Fact]
    public async Task Framework_validate_prints_each_error_with_its_location_and_exits_1()
    {
        var folder = Directory.CreateTempSubdirectory("ef-framework-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "framework.yml"), "categories:\n  - name: \"\"\n    slug: \"Bad Slug\"\n    order: 1\n    subcategories: []\ntemplates: []\n", TestContext.Current.CancellationToken);
        using var server = ServerProcess.Start(new Dictionary<string, string?>(), "framework", "validate", folder);

        var (exitCode, output, _) = await server.WaitForExitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("categories[0].slug", output, StringComparison.Ordinal);
        Assert.Contains("categories[0].name", output, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
