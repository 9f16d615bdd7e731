using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Server.Tests.GitHubSync;

/// <summary>
/// The server executable, killed with SIGKILL while a sync is downloading, and started again on the same data:
/// nothing of the interrupted sync is in the database, and the next instance takes the job over and finishes it.
/// </summary>
public sealed class GitHubSyncCrashTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_killed_mid_download_changes_nothing_and_the_next_server_takes_the_job_over_and_imports_the_whole_commit()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var gitHub = await FakeGitHub.StartAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("ef-crash-").FullName;
        var key = EncryptionKey.Generate();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DATA_DIR"] = dataDirectory,
            ["DATABASE_URL"] = database.DatabaseUrl,
            ["ENCRYPTION_KEY"] = key,
            ["GITHUB_API_URL"] = gitHub.ApiUrl.AbsoluteUri,
            ["GitHubSync__PollSeconds"] = "1",
            // A short lease, so the second server need not wait the default three minutes for the dead one's to run out.
            ["GitHubSync__LeaseSeconds"] = "3",
        };
        var v1 = gitHub.Push("acme", "standards", "main", SyncFixtures.Framework(label: "v1"));
        var (organizationId, jobId) = await SeedAsync(database, key, gitHub.Token, v1);
        var before = await FrameworkAsync(database, organizationId);
        Assert.Equal((v1, $"github:{v1}", 100, "v1"), (before.SyncedCommitSha, before.CurrentSource, before.ItemCount, before.Labels));
        var v2 = gitHub.Push("acme", "standards", "main", SyncFixtures.Framework(label: "v2"));
        gitHub.Hold(FakeGitHubEndpoint.Archive);

        try
        {
            using (var first = ServerProcess.Start(environment, "serve", "--urls", "http://127.0.0.1:0").CollectOutput())
            {
                // Half of v2's archive is on the wire and the server waits for the rest: the sync is in flight.
                await WaitAsync(gitHub.RequestHeld, first);
                var running = await JobAsync(database, organizationId, jobId);
                Assert.Equal((GitHubSyncStatus.Running, 1), (running.Status, running.Attempts));

                first.Kill();
            }

            // Nothing of v2 is stored; the job is still the dead worker's, exactly as it left it.
            Assert.Equal(before, await FrameworkAsync(database, organizationId));
            var orphaned = await JobAsync(database, organizationId, jobId);
            Assert.Equal(GitHubSyncStatus.Running, orphaned.Status);
            Assert.NotNull(orphaned.LeaseOwner);

            gitHub.Heal(FakeGitHubEndpoint.Archive);
            using var second = ServerProcess.Start(environment, "serve", "--urls", "http://127.0.0.1:0").CollectOutput();
            var finished = await WaitForFinishedAsync(database, organizationId, jobId, second);

            Assert.True(finished.Status == GitHubSyncStatus.Succeeded, $"{finished.Status}: {finished.Message}\n{second.Output}");
            Assert.Equal((2, v2, (string?)null), (finished.Attempts, finished.CommitSha, finished.LeaseOwner));
            Assert.NotEqual(orphaned.LeaseOwner, finished.LeaseOwner);
            var after = await FrameworkAsync(database, organizationId);
            Assert.Equal((v2, $"github:{v2}", 100, "v2", 2), (after.SyncedCommitSha, after.CurrentSource, after.ItemCount, after.Labels, after.VersionCount));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>A Pro organization whose repository acme/standards is connected and synced at <paramref name="synced"/>, with a sync queued.</summary>
    private static async Task<(Guid Organization, Guid Job)> SeedAsync(TestDatabase database, string key, string token, string synced)
    {
        var organizationId = Guid.CreateVersion7();
        var secrets = new GitHubSecrets(new SecretBox(EncryptionKey.Parse(key)));
        var now = DateTime.UtcNow;
        await using var db = database.CreateContext(organizationId);
        db.Organizations.Add(new Organization { Id = organizationId, Name = "Acme", Slug = "acme-" + organizationId.ToString("N")[..8], Plan = Plan.Pro, CreatedAt = now });
        db.GitHubSyncSettings.Add(new GitHubSyncSettings
        {
            OrganizationId = organizationId,
            Owner = "acme",
            Repository = "standards",
            Branch = "main",
            TokenCiphertext = secrets.SealToken(organizationId, token),
            TokenSetAt = now,
            WebhookSecretCiphertext = secrets.SealWebhookSecret(organizationId, GitHubSecrets.NewWebhookSecret()),
            WebhookSecretCreatedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            SyncedCommitSha = synced,
            SyncedAt = now,
        });
        await db.SaveChangesAsync(Cancel);
        var framework = FrameworkParser.Parse(FrameworkSource.FromTarGz(new MemoryStream(SyncFixtures.TarGz(SyncFixtures.Framework(label: "v1"), "acme-standards")))).Definition!;
        await new FrameworkImporter(db, TimeProvider.System).ImportAsync(framework, organizationId, $"github:{synced}", Cancel);
        var job = new GitHubSyncJob { OrganizationId = organizationId, Trigger = GitHubSyncTrigger.Manual, EnqueuedAt = now };
        db.GitHubSyncJobs.Add(job);
        await db.SaveChangesAsync(Cancel);
        return (organizationId, job.Id);
    }

    /// <summary>The organization's framework as comparable values; <c>Labels</c> is the one label all current items carry, or "mixed".</summary>
    private static async Task<Framework> FrameworkAsync(TestDatabase database, Guid organizationId)
    {
        await using var db = database.CreateContext(organizationId);
        var synced = await db.GitHubSyncSettings.Select(s => s.SyncedCommitSha).SingleAsync(Cancel);
        var versions = await db.FrameworkVersions.Where(v => v.OrganizationId == organizationId).OrderBy(v => v.Id).Select(v => new { v.Id, v.Source, v.IsCurrent }).ToListAsync(Cancel);
        var current = Assert.Single(versions, v => v.IsCurrent);
        var names = await db.FrameworkVersionItems.Where(i => i.FrameworkVersionId == current.Id).Select(i => i.Name).ToListAsync(Cancel);
        var labels = names.Select(n => n[(n.LastIndexOf('(') + 1)..^1]).Distinct().ToList();
        return new Framework(synced, string.Join("; ", versions.Select(v => $"{v.Id} {v.Source} {v.IsCurrent}")), current.Source, names.Count, labels.Count == 1 ? labels[0] : "mixed", versions.Count);
    }

    private static async Task<GitHubSyncJob> JobAsync(TestDatabase database, Guid organizationId, Guid jobId)
    {
        await using var db = database.CreateContext(organizationId);
        return await db.GitHubSyncJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, Cancel);
    }

    private static async Task WaitAsync(Task held, ServerProcess server)
    {
        var done = await Task.WhenAny(held, Task.Delay(Patience, Cancel));
        Assert.True(done == held, $"The server never started downloading the archive.\n{server.Output}");
    }

    /// <summary>Reads the job until the restarted server has finished it (its worker looks every second), or gives up after <see cref="Patience"/>.</summary>
    private static async Task<GitHubSyncJob> WaitForFinishedAsync(TestDatabase database, Guid organizationId, Guid jobId, ServerProcess server)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var job = await JobAsync(database, organizationId, jobId);
            if (job.IsFinished)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline && !server.HasExited, $"The job is still {job.Status} ({job.Message}).\n{server.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Cancel);
        }
    }

    private sealed record Framework(string? SyncedCommitSha, string Versions, string? CurrentSource, int ItemCount, string Labels, int VersionCount);
}
