using EngineeringFramework.Core;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.DataProtection;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Server.Api;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Mail;
using EngineeringFramework.Server.Mcp;
using EngineeringFramework.Server.Ui;
using EngineeringFramework.Server.Webhooks;
using EngineeringFramework.Server.Identity.Store;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EngineeringFramework.Server.Hosting;

/// <summary>Builds the web application: validated settings first, then the hardened pipeline, then features.</summary>
internal static partial class ServerHost
{
    /// <summary>
    /// Builds the app, or returns null after writing every configuration problem to <paramref name="error"/>
    /// (the caller exits non-zero before anything listens).
    /// </summary>
    public static WebApplication? Build(string[] args, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        configure?.Invoke(builder);

        var (settings, errors) = ServerSettings.Read(builder.Configuration, builder.Environment);
        var (identity, identityErrors) = IdentitySettings.Read(builder.Configuration, builder.Environment);
        var (mail, mailErrors) = MailSettings.Read(builder.Configuration);
        var (gitHubSync, gitHubSyncErrors) = GitHubSyncWorkerSettings.Read(builder.Configuration, settings?.GitHubApiUrl ?? GitHubSyncOptions.GitHubComApi);
        if (settings is null || identity is null || mail is null || gitHubSync is null)
        {
            error.WriteLine($"Engineering Framework cannot start ({DeploymentEnvironment.Describe(builder.Environment)}): configuration is invalid.");
            foreach (var problem in errors.Concat(identityErrors).Concat(mailErrors).Concat(gitHubSyncErrors))
            {
                error.WriteLine($"  - {problem}");
            }

            return null;
        }

        ConfigureLogging(builder);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 1024 * 1024;
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        // TryAdd: a test may put a FakeTimeProvider in first (re-authentication windows, expiry) through its configure hook.
        services.TryAddSingleton(TimeProvider.System);
        // One root key for every use (stored secrets, token encryption, the data-protection key ring), each use
        // deriving or binding its own; in Development generated once into DATA_DIR when not configured.
        services.AddSingleton(sp => settings.EncryptionKey
            ?? DevelopmentKeys.LoadOrCreateEncryptionKey(settings.DataDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevelopmentKeys))));
        services.AddSingleton(sp => new SecretBox(sp.GetRequiredService<EncryptionKey>()));
        services.AddEngineeringFrameworkCore(new CoreOptions(settings.Database, settings.PublicUrl)
        {
            // Off (GitHubSync:RunWorker) only in tests that drive the runner themselves, or on instances that should serve
            // requests only. A dead worker's job waits out its lease (GitHubSync:LeaseSeconds) before another instance
            // takes it over; leases are not reclaimed at start-up, as a starting instance cannot tell a dead worker from a busy one.
            GitHubSync = gitHubSync,
            // Without a store id only `migrate` can run (it creates the store); serving refuses to start (ServeCommand).
            RemoteAuthorization = settings.OpenFga is { StoreId: { } storeId } fga
                ? new RemoteAuthorizationOptions(
                    new Authz.Remote.RemoteEngineOptions { ApiUrl = fga.ApiUrl, StoreId = storeId, ModelId = fga.ModelId, ApiToken = fga.ApiToken },
                    RunDeliveryWorker: builder.Configuration.GetValue("TupleDelivery:RunWorker", true))
                {
                    IdlePoll = TimeSpan.FromSeconds(Math.Max(1, builder.Configuration.GetValue("TupleDelivery:IdlePollSeconds", 5))),
                }
                : null,
        });
        if (SqliteInstanceLock.For(settings.Database) is { } sqliteLock)
        {
            // A factory, so the container disposes it (releasing the lock) when the app is disposed.
            services.AddSingleton(_ => sqliteLock);
        }

        services.AddSharedDataProtection();
        services.AddAppProblemDetails();
        services.AddAppSecurityHeaders(builder.Environment);
        services.AddAppRateLimiting(builder.Configuration);
        services.AddAppIdentity(settings, identity, builder.Environment);
        services.AddAppMail(identity.Smtp, mail);
        services.AddAppHealth(remoteAuthorization: settings.OpenFga is { StoreId: not null });
        services.AddAppApi();
        services.AddAppMcp();
        services.AddAppUi();
        services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins([.. settings.CorsAllowedOrigins])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("ETag", "Location", "Retry-After", "WWW-Authenticate", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")));
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed: the loopback defaults are removed too, so a
            // header sent by anyone else can change neither the client address nor the scheme.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.TrustedProxies)
            {
                o.KnownProxies.Add(proxy);
            }

            foreach (var network in settings.TrustedNetworks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        if (settings.PublicUrl.Scheme == Uri.UriSchemeHttps)
        {
            services.AddHttpsRedirection(o => o.HttpsPort = settings.PublicUrl.Port);
        }

        var app = builder.Build();
        ConfigurePipeline(app);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        // Request-start lines carry the full query string, where OAuth codes and misplaced tokens travel:
        // never below Warning, whatever the configuration says. Request logging, if ever wanted, must redact.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        if (!builder.Environment.IsDevelopment())
        {
            // One JSON object per line: structured fields stay fields for the log pipeline.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseAppProblemDetails();
        app.UseAppSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // Probes from a load balancer speak plain HTTP to /health; everything else moves to HTTPS.
            app.UseWhen(c => !c.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal), a => a.UseHttpsRedirection());
        }

        app.UseRouting();
        app.UseCors();
        app.UseAppAuthentication();
        app.UseAppRateLimiting();
        app.UseAppUiStaticFiles();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapAppHealth();
        app.MapSecurityTxt();
        app.MapAppIdentity();
        app.MapAppApi();
        app.MapAppMcp();
        app.MapGitHubWebhooks();
        app.MapAppUi();
        foreach (var contributor in app.Services.GetServices<IEndpointContributor>())
        {
            contributor.Map(app);
        }
    }

    /// <summary>
    /// Applies pending migrations when this deployment allows it (the embedded default does; Production uses
    /// <c>migrate</c>), then makes sure the built-in framework is the current system framework.
    /// </summary>
    /// <exception cref="SqliteInUseException">Another server runs on the same SQLite file (see <see cref="SqliteInstanceLock"/>).</exception>
    /// <exception cref="StartupRefusedException">Remote mode, and the OpenFGA store or model is missing.</exception>
    public static async Task PrepareDatabaseAsync(WebApplication app, CancellationToken cancellationToken)
    {
        // First of all, before anything is migrated or any key made: a SQLite file serves one server.
        ClaimSqliteFile(app.Services);
        var settings = app.Services.GetRequiredService<ServerSettings>();
        if (settings.OpenFga is { } openFga
            && await OpenFgaStoreSetup.ProblemAsync(OpenFgaClient(app.Services), openFga, cancellationToken) is { } problem)
        {
            throw new StartupRefusedException(problem);
        }

        if (settings.Database.Provider == DatabaseProvider.Sqlite && !SqliteThreading.MultiThreaded)
        {
            LogSqliteSerialized(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost)));
        }

        if (settings.MigrateOnStart)
        {
            await MigrateAsync(app.Services, cancellationToken);
        }
        else
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost));
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                // Start anyway: /health/ready reports the outage, and the server recovers when the database does.
                LogDatabaseUnreachable(logger);
                return;
            }

            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                LogPendingMigrations(logger);
                return;
            }
        }

        await SeedSystemFrameworkAsync(app.Services, cancellationToken);
    }

    /// <summary>The HTTP client remote mode talks to OpenFGA with (connection pooling and proxies as configured for it).</summary>
    public static HttpClient OpenFgaClient(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(Core.Authorization.RemoteAuthorization.HttpClientName);

    /// <summary>Takes this process's lock on the SQLite file, held until the app is disposed; nothing to do on PostgreSQL.</summary>
    /// <exception cref="SqliteInUseException">Another server (or <c>migrate</c>) holds it.</exception>
    public static void ClaimSqliteFile(IServiceProvider services) => services.GetService<SqliteInstanceLock>()?.Acquire();

    /// <summary>The built-in framework, shipped beside the executable, becomes the system framework when its content changed.</summary>
    public static async Task SeedSystemFrameworkAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await SystemFrameworkSeeder.SeedAsync(
            scope.ServiceProvider.GetRequiredService<AppDbContext>(),
            scope.ServiceProvider.GetRequiredService<TimeProvider>(),
            Path.Combine(AppContext.BaseDirectory, "content", "default-framework"),
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SystemFrameworkSeeder)),
            cancellationToken);
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<ServerSettings>();
        if (settings.Database.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(settings.DataDirectory);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost)), pending.Count, settings.Database.Provider);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (settings.Database.Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging: readers neither wait for the writer nor hold it up, and a read takes no file lock
            // (in the default rollback mode every statement locked and unlocked the file). The mode is kept in the
            // database file, so setting it at every migration covers every process that opens the file afterwards.
            // Back up with the sqlite3 .backup command (or copy the -wal file too), as with any WAL database.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancellationToken);
        }

        await services.MigrateIdentityStoreAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database is not reachable; start-up preparation skipped")]
    private static partial void LogDatabaseUnreachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite was initialized before its threading mode could be chosen: it runs serialized (correct, slower)")]
    private static partial void LogSqliteSerialized(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database has pending migrations: run the migrate command (or set MIGRATE_ON_START=true)")]
    private static partial void LogPendingMigrations(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to the {Provider} database")]
    private static partial void LogMigrating(ILogger logger, int count, DatabaseProvider provider);
}
