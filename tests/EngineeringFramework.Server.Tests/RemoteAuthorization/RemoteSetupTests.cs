using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;
using FgaServer = EngineeringFramework.OpenFgaTestServer.OpenFgaTestServer;

namespace EngineeringFramework.Server.Tests.RemoteAuthorization;

/// <summary><c>migrate</c>'s OpenFGA part and the start-up check of remote mode.</summary>
public sealed class RemoteSetupTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_creates_a_store_and_writes_the_model_once()
    {
        await using var openFga = await FgaServer.StartAsync(cancellationToken: Cancel);
        using var http = new HttpClient();

        var first = await OpenFgaStoreSetup.MigrateAsync(http, new OpenFgaSettings(openFga.BaseUrl, null, null, null), Cancel);
        var again = await OpenFgaStoreSetup.MigrateAsync(http, new OpenFgaSettings(openFga.BaseUrl, first.StoreId, null, null), Cancel);

        Assert.True(first.StoreCreated);
        Assert.True(first.ModelWritten);
        Assert.False(again.StoreCreated);
        Assert.False(again.ModelWritten);
        Assert.Equal(first.StoreId, again.StoreId);
        Assert.Equal(first.ModelId, again.ModelId);
    }

    [Fact]
    public async Task Start_up_refuses_a_store_OpenFGA_does_not_have()
    {
        await using var openFga = await FgaServer.StartAsync(cancellationToken: Cancel);

        var refused = await Assert.ThrowsAsync<StartupRefusedException>(() => TestApp.StartAsync(settings: RemoteMode.Settings(openFga.BaseUrl, "01HVMMBCMGZNT3SED4Z17ECXCA")));

        Assert.Contains("has no store 01HVMMBCMGZNT3SED4Z17ECXCA", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_refuses_remote_mode_without_a_store_id()
    {
        await using var openFga = await FgaServer.StartAsync(cancellationToken: Cancel);

        var refused = await Assert.ThrowsAsync<StartupRefusedException>(() => TestApp.StartAsync(settings: RemoteMode.Settings(openFga.BaseUrl, null)));

        Assert.StartsWith("OPENFGA_STORE_ID is not set", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_refuses_a_pinned_model_the_store_does_not_have()
    {
        await using var openFga = await FgaServer.StartAsync(cancellationToken: Cancel);
        using var http = new HttpClient();
        var store = await OpenFgaStoreSetup.MigrateAsync(http, new OpenFgaSettings(openFga.BaseUrl, null, null, null), Cancel);
        var settings = RemoteMode.Settings(openFga.BaseUrl, store.StoreId);
        settings[OpenFgaSettings.ModelIdKey] = "01HVMMBCMGZNT3SED4Z17ECXCA";

        var refused = await Assert.ThrowsAsync<StartupRefusedException>(() => TestApp.StartAsync(settings: settings));

        Assert.Contains("has no authorization model 01HVMMBCMGZNT3SED4Z17ECXCA", refused.Message, StringComparison.Ordinal);
    }
}
