using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>One deployment of the <c>admin</c> commands' tests's configuration: its data folder (development keys) and its database, in Development.</summary>
internal sealed class AdminDeployment : IAsyncDisposable
{
    public const string PublicUrl = "http://ef-admin.example.test";
    public const string Api = PublicUrl + "/api";
    public const string Mcp = PublicUrl + "/mcp";

    private readonly Dictionary<string, string?> environment;

    private AdminDeployment(TestDatabase database, string dataDirectory, Dictionary<string, string?> environment)
    {
        Database = database;
        DataDirectory = dataDirectory;
        this.environment = environment;
    }

    public TestDatabase Database { get; }

    public string DataDirectory { get; }

    public static async Task<AdminDeployment> CreateAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var database = await TestDatabase.CreateAsync(migrate: false);
        var dataDirectory = Directory.CreateTempSubdirectory("ef-admin-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DATA_DIR"] = dataDirectory,
            ["DATABASE_URL"] = database.DatabaseUrl,
            ["PUBLIC_URL"] = PublicUrl,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return new AdminDeployment(database, dataDirectory, environment);
    }

    public Task<(int ExitCode, string Output, string Error)> AdminAsync(string? standardInput, params string[] args) => AdminProcess.RunAsync(environment, standardInput, args);

    /// <summary>The server on this deployment's configuration (same data folder, so the same development signing key; same database; same extra settings).</summary>
    public Task<TestApp> StartServerAsync(Action<WebApplicationBuilder>? configure = null) => TestApp.StartAsync(
        settings: environment.Where(e => e.Key != "ASPNETCORE_ENVIRONMENT").ToDictionary(),
        configure: configure);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
