using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Hosting;
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
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var shared = RemoteMode.Settings(openFga.BaseUrl, store.StoreId);
        shared["PUBLIC_URL"] = "http://ef-remote-pair.example.test";
        shared["AUTH_SIGNING_KEY"] = rsa.ExportPkcs8PrivateKeyPem();
        await using var a = await TestApp.StartAsync(settings: shared);
        if (a.App.Services.GetRequiredService<DatabaseConnection>().Provider != DatabaseProvider.Postgres)
        {
            Assert.Skip("Several instances need PostgreSQL (SQLite deployments are single-instance); run with EF_TEST_DATABASE=postgres.");
        }

        await using var b = await TestApp.StartAsync(settings: new Dictionary<string, string?>(shared) { [ServerSettings.DatabaseUrlKey] = a.App.Configuration[ServerSettings.DatabaseUrlKey] });

        var onA = a.ApiClientFor("ada");
        using var org = await onA.PostAsJsonAsync("/api/v1/organizations", new { name = "ada org" }, Cancel);
        var orgId = (await org.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        using var department = await onA.PostAsJsonAsync($"/api/v1/organizations/{orgId}/departments", new { name = "Platform" }, Cancel);
        var departmentId = (await department.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        using var created = await onA.PostAsJsonAsync($"/api/v1/organizations/{orgId}/projects", new { name = "Payments", departmentId }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var projectId = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("project").GetProperty("id").GetGuid();

        // B's read needs the project's tuples in OpenFGA; nothing delivered them but B's own request.
        using var read = await b.ApiClientFor("ada").GetAsync($"/api/v1/organizations/{orgId}/projects/{projectId}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
