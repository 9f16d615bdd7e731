using System.Net;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Server.Tests.Hosting;

/// <summary>A SQLite file serves one server: a second one refuses to start, saying why and what to use instead.</summary>
public sealed class SqliteSingleInstanceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Second_server_on_the_same_SQLite_file_refuses_to_start_naming_the_file_and_the_first_keeps_serving()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        var file = DatabaseFile(database);
        await using (var first = await TestApp.StartAsync(sharedDatabase: database))
        {
            var refused = await Assert.ThrowsAsync<SqliteInUseException>(() => TestApp.StartAsync(sharedDatabase: database));

            Assert.Contains(file, refused.Message, StringComparison.Ordinal);
            Assert.Contains("SQLite supports one server instance", refused.Message, StringComparison.Ordinal);
            Assert.Contains("PostgreSQL", refused.Message, StringComparison.Ordinal);
            using var health = await first.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Released with the first server: the next one starts.
        await using var next = await TestApp.StartAsync(sharedDatabase: database);
    }

    [Theory]
    [InlineData("serve", "Engineering Framework cannot start")]
    [InlineData("migrate", "Cannot migrate")]
    public async Task Executable_refuses_to_serve_or_migrate_a_SQLite_file_a_running_server_holds(string command, string opening)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        var file = DatabaseFile(database);
        await using var running = await TestApp.StartAsync(sharedDatabase: database);
        var dataDirectory = Directory.CreateTempSubdirectory("ef-exe-").FullName;
        try
        {
            using var second = ServerProcess.Start(
                new Dictionary<string, string?>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["DATA_DIR"] = dataDirectory,
                    ["DATABASE_URL"] = $"Data Source={file}",
                },
                command == "serve" ? [command, "--urls", "http://127.0.0.1:0"] : [command]);

            var (exitCode, output, error) = await second.WaitForExitAsync(Timeout);

            Assert.Equal(1, exitCode);
            Assert.Contains(opening, error, StringComparison.Ordinal);
            Assert.Contains(file, error, StringComparison.Ordinal);
            Assert.Contains("SQLite supports one server instance", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Now listening", output + error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string DatabaseFile(TestDatabase database)
        => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.DatabaseUrl).DataSource;
}
