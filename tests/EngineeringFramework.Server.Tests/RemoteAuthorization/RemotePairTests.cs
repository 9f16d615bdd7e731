using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Instances;
using EngineeringFramework.Server.Tests.Support;
using FgaServer = EngineeringFramework.OpenFgaTestServer.OpenFgaTestServer;

namespace EngineeringFramework.Server.Tests.RemoteAuthorization;

/// <summary>
/// Two instances on one PostgreSQL and one OpenFGA, no background delivery: what instance A commits, instance B's next
/// request sees, because B delivers the outbox before its first check (read-your-writes across instances).
/// </summary>
public sealed class RemotePairTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_project_created_on_one_instance_reads_at_once_on_the_other()
    {
        await using var openFga = await FgaServer.StartAsync(cancellationToken: Cancel);
        using var http = new HttpClient();
        var store = await OpenFgaStoreSetup.MigrateAsync(http, new OpenFgaSettings(openFga.BaseUrl, null, null, null), Cancel);
        await using var pair = await InstancePair.StartAsync(RemoteMode.Settings(openFga.BaseUrl, store.StoreId));

        var (orgId, projectId) = await InstancePair.CreateProjectAsync(pair.A, "ada", Cancel);

        // B's read needs the project's tuples in OpenFGA; nothing delivered them but B's own request.
        using var read = await pair.B.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
