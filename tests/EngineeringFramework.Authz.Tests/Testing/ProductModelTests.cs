using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Authz.Tests.Testing;

/// <summary>The product's own model (authorization/model.fga) passes its store-file tests.</summary>
public sealed class ProductModelTests
{
    [Fact]
    public void Product_model_passes_every_store_file_test()
    {
        var output = new StringWriter();

        var exitCode = StoreFileRunner.Run(Path.Combine(RepositoryPaths.Root, "authorization", "model.fga.yaml"), output);

        Assert.True(exitCode == 0, output.ToString());
        Assert.Matches(@"^\d+ passed, 0 failed$", output.ToString().TrimEnd().Split('\n')[^1]);
    }
}
