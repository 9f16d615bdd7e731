using EngineeringFramework.Authz;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using FgaServer = EngineeringFramework.OpenFgaTestServer.OpenFgaTestServer;

namespace EngineeringFramework.Server.Tests.RemoteAuthorization;

/// <summary>
/// A server in remote authorization mode against the stand-in OpenFGA server (in process), with a store migrated the
/// way <c>migrate</c> does it. The background deliverer is off, so that every delivery in a test is one the test caused
/// (a request's read-your-writes delivery, or <see cref="DeliverAsync"/> standing in for the worker).
/// </summary>
internal sealed class RemoteMode : IAsyncDisposable
{
    private RemoteMode(FgaServer openFga, TestApp app, string storeId)
    {
        OpenFga = openFga;
        App = app;
        StoreId = storeId;
    }

    public FgaServer OpenFga { get; }

    public TestApp App { get; }

    public string StoreId { get; }

    public static async Task<RemoteMode> StartAsync(bool runWorker = false, TimeSpan? idlePoll = null)
    {
        var openFga = await FgaServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient();
            var setup = await OpenFgaStoreSetup.MigrateAsync(http, new OpenFgaSettings(openFga.BaseUrl, null, null, null), TestContext.Current.CancellationToken);
            var settings = Settings(openFga.BaseUrl, setup.StoreId);
            settings["TupleDelivery:RunWorker"] = runWorker ? "true" : "false";
            if (idlePoll is { } poll)
            {
                settings["TupleDelivery:IdlePollSeconds"] = ((int)poll.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var app = await TestApp.StartAsync(settings: settings);
            return new RemoteMode(openFga, app, setup.StoreId);
        }
        catch
        {
            await openFga.DisposeAsync();
            throw;
        }
    }

    public static Dictionary<string, string?> Settings(Uri openFga, string? storeId) => new()
    {
        [OpenFgaSettings.ApiUrlKey] = openFga.AbsoluteUri,
        [OpenFgaSettings.StoreIdKey] = storeId,
        ["TupleDelivery:RunWorker"] = "false",
    };

    /// <summary>What the worker does on each round.</summary>
    public Task<DeliveryOutcome> DeliverAsync() =>
        App.App.Services.GetRequiredService<TupleDelivery>().DeliverAllAsync(null, TestContext.Current.CancellationToken);

    /// <summary>Every tuple OpenFGA holds, read straight from the stand-in server (not through the product).</summary>
    public async Task<HashSet<TupleKey>> OpenFgaTuplesAsync()
    {
        using var http = new HttpClient();
        var engine = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = OpenFga.BaseUrl, StoreId = StoreId });
        return [.. (await engine.ReadAsync(new ReadRequest(), TestContext.Current.CancellationToken)).Tuples];
    }

    public async Task<HashSet<TupleKey>> DatabaseTuplesAsync()
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return [.. await db.RelationshipTuples.BypassTenantFilter().Select(t => new TupleKey(t.Object, t.Relation, t.User)).ToListAsync(TestContext.Current.CancellationToken)];
    }

    public async Task<int> UndeliveredAsync()
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().TupleChanges.CountAsync(c => c.DeliveredAt == null, TestContext.Current.CancellationToken);
    }

    /// <summary>Records tuple changes the way a use case does (same unit of work as its data), without asking the authorizer.</summary>
    public async Task ChangeAsync(Func<RelationshipWriter, Task> change)
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<RelationshipWriter>());
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await OpenFga.DisposeAsync();
    }
}
