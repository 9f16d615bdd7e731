using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EngineeringFramework.Core.Tests.Mail;

/// <summary>
/// The mail queue over a throw-away database, on a fake clock, with a scripted dispatcher. Each "instance" is a
/// separate service provider (its own context pool and its own <see cref="MailDelivery"/>), as separate servers
/// sharing one database would be.
/// </summary>
internal sealed class MailWorld : IAsyncDisposable
{
    private readonly List<ServiceProvider> instances = [];
    private readonly SecretBox box = new(EncryptionKey.Parse(EncryptionKey.Generate()));

    private MailWorld(TestDatabase database, MailDeliveryOptions options)
    {
        Database = database;
        Options = options;
    }

    public TestDatabase Database { get; }

    public MailDeliveryOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public ScriptedDispatcher Dispatcher { get; } = new();

    /// <summary>The first instance's delivery runner.</summary>
    public MailDelivery Delivery => instances[0].GetRequiredService<MailDelivery>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<MailWorld> CreateAsync(DatabaseProvider? provider = null, MailDeliveryOptions? options = null)
    {
        var world = new MailWorld(await TestDatabase.CreateAsync(provider), options ?? new MailDeliveryOptions());
        world.AddInstance();
        return world;
    }

    /// <summary>Another server on the same database; returns its delivery runner.</summary>
    public MailDelivery AddInstance()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging();
        services.AddAppData(Database.Connection);
        services.AddSingleton(box);
        services.AddMailQueue(Options);
        services.AddSingleton<IMailDispatcher>(Dispatcher);
        var provider = services.BuildServiceProvider(validateScopes: true);
        instances.Add(provider);
        return provider.GetRequiredService<MailDelivery>();
    }

    public async Task EnqueueAsync(MailMessage message)
    {
        await using var scope = instances[0].CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMailSender>().SendAsync(message, Cancel);
    }

    /// <summary>Every row, read as the worker reads them: with no tenant set.</summary>
    public async Task<List<QueuedMail>> RowsAsync()
    {
        await using var db = Database.CreateContext(organizationId: null);
        return await db.QueuedMail.AsNoTracking().OrderBy(m => m.EnqueuedAt).ThenBy(m => m.Id).ToListAsync(Cancel);
    }

    public async Task<QueuedMail> SingleRowAsync() => Assert.Single(await RowsAsync());

    public async Task UpdateAsync(Guid id, Action<QueuedMail> change)
    {
        await using var db = Database.CreateContext(organizationId: null);
        change(await db.QueuedMail.SingleAsync(m => m.Id == id, Cancel));
        await db.SaveChangesAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
