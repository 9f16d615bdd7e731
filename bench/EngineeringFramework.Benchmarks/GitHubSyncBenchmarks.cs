using BenchmarkDotNet.Attributes;
using EngineeringFramework.Core;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Benchmarks;

/// <summary>
/// GitHub sync of a 100-item, 120-file repository from the tests' local fake GitHub (real HTTP over loopback,
/// real Octokit, real tarball) into SQLite: queue a sync, run it, imported. Every iteration pushes a new commit
/// with different content, so each one downloads, validates and imports for real. Targets: at most 3 GitHub
/// requests (checked on every iteration) and under 2 s.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 15)]
[Config(typeof(MedianP95Config))]
public class GitHubSyncBenchmarks
{
    private FakeGitHub gitHub = null!;
    private ServiceProvider services = null!;
    private string dataDirectory = null!;
    private Guid organizationId;
    private Caller admin = null!;
    private int commit;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        gitHub = await FakeGitHub.StartAsync();
        dataDirectory = Directory.CreateTempSubdirectory("ef-bench-sync-").FullName;
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton(new SecretBox(EncryptionKey.Parse(EncryptionKey.Generate())));
        collection.AddEngineeringFrameworkCore(new CoreOptions(DatabaseConnection.Parse(null, dataDirectory), new Uri("https://ef.bench"))
        {
            GitHubSync = new GitHubSyncOptions { ApiBaseUrl = gitHub.ApiUrl, RunWorker = false },
        });
        services = collection.BuildServiceProvider();

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.MigrateAsync();
            var user = new User { AuthSubject = "bench", Email = "bench@example.com", DisplayName = "Bench", CreatedAt = DateTime.UtcNow };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            admin = new Caller(user.Id, Surface.Api);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            organizationId = (await scope.ServiceProvider.GetRequiredService<OrganizationService>().CreateAsync(admin, new("Bench"), CancellationToken.None)).Id;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(organizationId);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            (await db.Organizations.SingleAsync()).Plan = Plan.Pro;
            await db.SaveChangesAsync();
        }

        var files = SyncFixtures.Framework();
        if (files.Count != 120)
        {
            throw new InvalidOperationException($"the fixture has {files.Count} files, not 120");
        }

        gitHub.Push("bench", "standards", "main", files);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GitHubSyncService>().ConfigureAsync(admin, organizationId, new("bench", "standards", "main", gitHub.Token), CancellationToken.None);
        }
    }

    [IterationSetup]
    public void PushNewCommit() => gitHub.Push("bench", "standards", "main", SyncFixtures.Framework(label: $"commit {++commit}"));

    [Benchmark]
    public async Task<int> Sync_100_items_120_files()
    {
        Guid jobId;
        await using (var scope = services.CreateAsyncScope())
        {
            jobId = (await scope.ServiceProvider.GetRequiredService<GitHubSyncService>().RequestSyncAsync(admin, organizationId, CancellationToken.None)).Id;
        }

        await services.GetRequiredService<GitHubSyncRunner>().RunPendingAsync(CancellationToken.None);
        await using (var scope = services.CreateAsyncScope())
        {
            var job = await scope.ServiceProvider.GetRequiredService<GitHubSyncService>().GetJobAsync(admin, organizationId, jobId, CancellationToken.None);
            if (job.Status != GitHubSyncStatus.Succeeded || job.ItemCount != 100 || job.GitHubRequests > 3)
            {
                throw new InvalidOperationException($"sync ended {job.Status} ({job.Message}) with {job.ItemCount} items after {job.GitHubRequests} GitHub requests");
            }

            return job.GitHubRequests;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        services.Dispose();
        gitHub.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
