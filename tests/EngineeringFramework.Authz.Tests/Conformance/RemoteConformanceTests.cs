using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Authz.Tests.Conformance;

public sealed class RemoteConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OpenFGA_suite_through_the_remote_adapter_and_test_server_gives_the_embedded_results_test_by_test()
    {
        var path = RepositoryPaths.SkipUnlessConformanceFileExists();
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(presharedKey: "conformance-key", cancellationToken: TestContext.Current.CancellationToken);
        using var embeddedText = new StringWriter();
        using var remoteText = new StringWriter();

        var embedded = await ConformanceRunner.RunEmbeddedAsync(path, embeddedText, TestContext.Current.CancellationToken);
        var remote = await ConformanceRunner.RunRemoteAsync(path, server.BaseUrl, "conformance-key", remoteText, TestContext.Current.CancellationToken);

        output.WriteLine(remoteText.ToString());
        var differences = embedded.Tests.Keys.Union(remote.Tests.Keys)
            .Where(name => embedded.Tests.GetValueOrDefault(name) != remote.Tests.GetValueOrDefault(name))
            .Select(name => $"{name}: embedded {embedded.Tests.GetValueOrDefault(name)}, remote {remote.Tests.GetValueOrDefault(name)}")
            .ToList();
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
        Assert.True(embedded.Tests.Count > 90, $"only {embedded.Tests.Count} tests were run");
        Assert.Equal(embedded.ExitCode, remote.ExitCode);
        Assert.Equal(embeddedText.ToString().TrimEnd().Split('\n')[^1], remoteText.ToString().TrimEnd().Split('\n')[^1]);
    }
}
