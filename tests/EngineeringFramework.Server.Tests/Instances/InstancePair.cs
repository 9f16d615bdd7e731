using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Tests.Support;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Server.Tests.Instances;

/// <summary>
/// Two server instances of one deployment, as a load balancer would see them: one PostgreSQL database, the same issuer
/// and signing key, and separate home folders (nothing shared on disk). SQLite deployments are single-instance, so
/// the tests that need a pair skip on SQLite runs.
/// </summary>
internal sealed class InstancePair : IAsyncDisposable
{
    private const string PublicUrl = "http://ef-pair.example.test";

    private readonly TestDatabase database;

    private InstancePair(TestDatabase database, TestApp a, TestApp b)
    {
        this.database = database;
        A = a;
        B = b;
    }

    public TestApp A { get; }

    public TestApp B { get; }

    /// <param name="settings">What else both instances share (e.g. the OpenFGA server they ask).</param>
    public static async Task<InstancePair> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        if (TestDatabase.DefaultProvider != DatabaseProvider.Postgres)
        {
            Assert.Skip("Several instances need PostgreSQL (SQLite deployments are single-instance); run with EF_TEST_DATABASE=postgres.");
        }

        // A key of the pair's own: IdentityModel caches signers per key id process-wide, and a signer built on another
        // test's (since disposed) key object would fail here.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var shared = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["PUBLIC_URL"] = PublicUrl,
            ["AUTH_SIGNING_KEY"] = rsa.ExportPkcs8PrivateKeyPem(),
        };
        var database = await TestDatabase.CreateAsync(migrate: false);
        var a = await TestApp.StartAsync(settings: shared, sharedDatabase: database);
        var b = await TestApp.StartAsync(settings: shared, sharedDatabase: database);
        return new InstancePair(database, a, b);
    }

    /// <summary>An organization, a department and a project created through <paramref name="app"/>'s REST API by <paramref name="subject"/>.</summary>
    public static async Task<(Guid OrgId, Guid ProjectId)> CreateProjectAsync(TestApp app, string subject, CancellationToken cancellationToken)
    {
        var client = app.ApiClientFor(subject);
        using var org = await client.PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, org.StatusCode);
        var orgId = (await org.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetGuid();
        using var department = await client.PostAsJsonAsync($"/api/v1/organizations/{orgId}/departments", new { name = "Platform" }, cancellationToken);
        var departmentId = (await department.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetGuid();
        using var created = await client.PostAsJsonAsync($"/api/v1/organizations/{orgId}/projects", new { name = "Payments", departmentId }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (orgId, (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("project").GetProperty("id").GetGuid());
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await database.DisposeAsync();
    }
}
