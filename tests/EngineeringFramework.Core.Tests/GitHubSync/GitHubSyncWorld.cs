using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.GitHubSync;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tests.Frameworks;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Tests.GitHubSync;

/// <summary>
/// An organization "Acme" on the Pro plan (admin Ada, member Ben), an outsider Eve with her own organization,
/// the built-in framework as the system's, and a fake GitHub holding acme/standards with a valid framework on main.
/// </summary>
internal sealed class GitHubSyncWorld : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "standards";
    public const string Branch = "main";

    private GitHubSyncWorld(CoreServices core, FakeGitHub gitHub)
    {
        Core = core;
        GitHub = gitHub;
    }

    public CoreServices Core { get; }

    public FakeGitHub GitHub { get; }

    public Caller Ada { get; private set; } = null!;

    public Caller Ben { get; private set; } = null!;

    public Caller Eve { get; private set; } = null!;

    public Guid Acme { get; private set; }

    public Guid Evil { get; private set; }

    public string MainSha { get; private set; } = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <param name="time">The clock of every service (a <c>FakeTimeProvider</c> for retry times); the system clock by default.</param>
    public static async Task<GitHubSyncWorld> CreateAsync(GitHubSyncOptions? options = null, TimeProvider? time = null)
    {
        var gitHub = await FakeGitHub.StartAsync();
        var core = await CoreServices.CreateAsync(time: time, configure: services =>
        {
            services.AddSingleton(new SecretBox(EncryptionKey.Parse(EncryptionKey.Generate())));
            services.AddGitHubSync((options ?? new GitHubSyncOptions()) with { ApiBaseUrl = gitHub.ApiUrl, RunWorker = false }, new Uri("https://ef.test"));
        });
        var world = new GitHubSyncWorld(core, gitHub);
        await core.InScopeAsync(sp => new FrameworkImporter(sp.GetRequiredService<AppDbContext>(), TimeProvider.System).ImportAsync(FrameworkFixture.Valid().ParseValid(), null, "builtin", Cancel));
        world.Ada = await core.CreateUserAsync("ada");
        world.Ben = await core.CreateUserAsync("ben");
        world.Eve = await core.CreateUserAsync("eve");
        world.Acme = (await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(world.Ada, new("Acme"), Cancel))).Id;
        world.Evil = (await core.InScopeAsync(sp => sp.GetRequiredService<OrganizationService>().CreateAsync(world.Eve, new("Evil Corp"), Cancel))).Id;
        await core.AddMemberAsync(world.Acme, world.Ben);
        await world.SetPlanAsync(Plan.Pro);
        world.MainSha = gitHub.Push(Owner, Repo, Branch, SyncFixtures.Framework());
        return world;
    }

    public async Task SetPlanAsync(Plan plan)
    {
        await using var db = Core.Database.CreateContext(Acme);
        var organization = await db.Organizations.SingleAsync(Cancel);
        organization.Plan = plan;
        await db.SaveChangesAsync(Cancel);
    }

    public Task<T> Sync<T>(Caller caller, Func<GitHubSyncService, Caller, Task<T>> action)
        => Core.InScopeAsync(sp => action(sp.GetRequiredService<GitHubSyncService>(), caller));

    public Task<GitHubSyncView> ConfigureAsync(string? token = null, string branch = Branch, string repository = Repo)
        => Sync(Ada, (s, c) => s.ConfigureAsync(c, Acme, new(Owner, repository, branch, token ?? GitHub.Token), Cancel));

    /// <summary>Queues a manual sync and runs the queue to the end in this test's thread.</summary>
    public async Task<GitHubSyncJobView> SyncNowAsync()
    {
        var queued = await Sync(Ada, (s, c) => s.RequestSyncAsync(c, Acme, Cancel));
        await Core.GetRequiredService<GitHubSyncRunner>().RunPendingAsync(Cancel);
        return await Sync(Ada, (s, c) => s.GetJobAsync(c, Acme, queued.Id, Cancel));
    }

    /// <summary>The organization's own versions, current first.</summary>
    public async Task<List<FrameworkVersion>> OrganizationVersionsAsync()
    {
        await using var db = Core.Database.CreateContext(Acme);
        return await db.FrameworkVersions.Where(v => v.OrganizationId == Acme).OrderByDescending(v => v.IsCurrent).ToListAsync(Cancel);
    }

    /// <summary>Runs the queue once, as the worker's next round would; returns how many jobs it ran.</summary>
    public Task<int> RunWorkerAsync() => Core.GetRequiredService<GitHubSyncRunner>().RunPendingAsync(Cancel);

    public Task<GitHubSyncJobView> JobAsync(Guid jobId) => Sync(Ada, (s, c) => s.GetJobAsync(c, Acme, jobId, Cancel));

    /// <summary>The job's stored row, with what the view leaves out (attempts, lease).</summary>
    public async Task<GitHubSyncJob> JobRowAsync(Guid jobId)
    {
        await using var db = Core.Database.CreateContext(Acme);
        return await db.GitHubSyncJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, Cancel);
    }

    /// <summary>
    /// Everything a sync may change about the organization's framework, as comparable values: the synced commit,
    /// every version it owns (id, source, current or not), and the names of the current version's items.
    /// </summary>
    public async Task<FrameworkState> FrameworkAsync()
    {
        await using var db = Core.Database.CreateContext(Acme);
        var synced = await db.GitHubSyncSettings.Select(s => s.SyncedCommitSha).SingleOrDefaultAsync(Cancel);
        var versions = await db.FrameworkVersions.Where(v => v.OrganizationId == Acme).OrderBy(v => v.Id)
            .Select(v => new { v.Id, v.Source, v.IsCurrent, v.ItemCount }).ToListAsync(Cancel);
        var current = versions.SingleOrDefault(v => v.IsCurrent);
        var items = current is null ? [] : await db.FrameworkVersionItems.Where(i => i.FrameworkVersionId == current.Id).Select(i => i.Name).ToListAsync(Cancel);
        return new FrameworkState(
            synced,
            string.Join("; ", versions.Select(v => $"{v.Id} {v.Source} current={v.IsCurrent} items={v.ItemCount}")),
            current?.Source,
            string.Join("; ", items.Order(StringComparer.Ordinal)),
            items.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await Core.DisposeAsync();
        await GitHub.DisposeAsync();
    }
}

/// <summary>A snapshot of an organization's framework (see <see cref="GitHubSyncWorld.FrameworkAsync"/>); equal snapshots mean nothing changed.</summary>
internal sealed record FrameworkState(string? SyncedCommitSha, string Versions, string? CurrentSource, string CurrentItems, int CurrentItemCount)
{
    /// <summary>True when the current version is the whole framework of <paramref name="sha"/>, labelled <paramref name="label"/> in every item.</summary>
    public bool IsExactly(string sha, string label, int items = 100)
        => SyncedCommitSha == sha && CurrentSource == $"github:{sha}" && CurrentItemCount == items
            && CurrentItems.Split("; ").All(name => name.EndsWith($"({label})", StringComparison.Ordinal));
}
