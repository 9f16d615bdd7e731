using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>
/// The real server (Kestrel on a loopback port, the real pipeline, a throw-away database) for one test.
/// Production instances sit behind a pretend TLS-terminating proxy on 127.0.0.1: the client sends
/// <c>X-Forwarded-Proto: https</c>, which the server believes only because 127.0.0.1 is a configured proxy.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly TestDatabase? ownDatabase;
    private readonly string dataDirectory;

    private TestApp(WebApplication app, TestDatabase? ownDatabase, string dataDirectory, HttpClient client)
    {
        App = app;
        this.ownDatabase = ownDatabase;
        this.dataDirectory = dataDirectory;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public FakeLogCollector Logs => App.Services.GetFakeLogCollector();

    /// <summary>This instance's DATA_DIR (generated development keys, the mail outbox).</summary>
    public string DataDirectory => dataDirectory;

    /// <summary>
    /// One RSA key for every Production instance of the test run (generating one per test is slow): Production
    /// refuses to start without a signing key or an external authority.
    /// </summary>
    public static string ProductionSigningKey => LazySigningKey.Value;

    private static readonly Lazy<string> LazySigningKey = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    public static async Task<TestApp> StartAsync(
        string environment = "Development",
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool listenOnPublicUrl = false,
        TestDatabase? sharedDatabase = null)
    {
        // A shared database (several instances on one database) belongs to the test; otherwise this instance owns one.
        var ownDatabase = sharedDatabase is null ? await TestDatabase.CreateAsync(migrate: false) : null;
        var database = sharedDatabase ?? ownDatabase!;
        var dataDirectory = Directory.CreateTempSubdirectory("ef-test-data-").FullName;
        // The server's rule: every environment but exactly Development runs with Production's (Hosting/DeploymentEnvironment).
        var production = environment != "Development";
        var configuration = new Dictionary<string, string?>
        {
            [ServerSettings.DataDirKey] = dataDirectory,
            [ServerSettings.DatabaseUrlKey] = database.DatabaseUrl,
            [ServerSettings.MigrateOnStartKey] = "true",
        };
        if (production)
        {
            configuration[ServerSettings.PublicUrlKey] = "https://ef.example.test";
            configuration[ServerSettings.EncryptionKeyKey] = EncryptionKey.Generate();
            configuration[ServerSettings.TrustedProxiesKey] = "127.0.0.1";
            configuration["AUTH_SIGNING_KEY"] = ProductionSigningKey;
        }

        // An issuer other hosts talk to must be reachable at its PUBLIC_URL: listen on a known free port.
        var listenUrl = "http://127.0.0.1:0";
        if (listenOnPublicUrl)
        {
            listenUrl = ServerProcess.FreeLoopbackAddress();
            configuration[ServerSettings.PublicUrlKey] = listenUrl;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var error = new StringWriter();
        var app = ServerHost.Build(["--environment", environment], error, builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.WebHost.UseUrls(listenUrl);
            builder.Services.AddFakeLogging();
            configure?.Invoke(builder);
        });
        if (app is null)
        {
            throw new InvalidOperationException("The server refused to start: " + error);
        }

        try
        {
            await ServerHost.PrepareDatabaseAsync(app, TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            if (ownDatabase is not null)
            {
                await ownDatabase.DisposeAsync();
            }

            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }

        await app.StartAsync(TestContext.Current.CancellationToken);

        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.First()) };
        if (production)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            // The public host name, as the proxy would pass it (HSTS is never sent for loopback names).
            client.DefaultRequestHeaders.Host = "ef.example.test";
        }

        return new TestApp(app, ownDatabase, dataDirectory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (ownDatabase is not null)
        {
            await ownDatabase.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}
