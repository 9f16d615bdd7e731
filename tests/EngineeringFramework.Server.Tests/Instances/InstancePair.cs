using EngineeringFramework.Core.Data;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Instances;

/// <summary>
/// Two server instances of one deployment, as a load balancer would see them: one PostgreSQL database, the same issuer
/// and signing key, and separate home folders (nothing shared on disk). SQLite deployments are single-instance, so
/// the tests that need a pair skip on SQLite runs.
/// </summary>
internal sealed class InstancePair : IAsyncDisposable
{
    private const string PublicUrl = "http://ef-pair.example.test";

    private InstancePair(TestApp a, TestApp b)
    {
        A = a;
        B = b;
    }

    public TestApp A { get; }

    public TestApp B { get; }

    public static async Task<InstancePair> StartAsync()
    {
        // A key of the pair's own: IdentityModel caches signers per key id process-wide, and a signer built on another
        // test's (since disposed) key object would fail here.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var shared = new Dictionary<string, string?>
        {
            ["PUBLIC_URL"] = PublicUrl,
            ["AUTH_SIGNING_KEY"] = rsa.ExportPkcs8PrivateKeyPem(),
        };
        var a = await TestApp.StartAsync(settings: shared);
        if (a.App.Services.GetRequiredService<DatabaseConnection>().Provider != DatabaseProvider.Postgres)
        {
            await a.DisposeAsync();
            Assert.Skip("Several instances need PostgreSQL (SQLite deployments are single-instance); run with EF_TEST_DATABASE=postgres.");
        }

        var b = await TestApp.StartAsync(settings: new Dictionary<string, string?>(shared)
        {
            [ServerSettings.DatabaseUrlKey] = a.App.Configuration[ServerSettings.DatabaseUrlKey],
        });
        return new InstancePair(a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
