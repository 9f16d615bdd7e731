using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Authz.Tests.Conformance;

public sealed class ConformanceFileTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_assertion_of_the_OpenFGA_conformance_file_passes()
    {
        var path = RepositoryPaths.SkipUnlessConformanceFileExists();
        using var writer = new StringWriter();

        var exitCode = ConformanceRunner.Run(path, writer);

        var text = writer.ToString();
        output.WriteLine(text);
        var lastLine = text.TrimEnd().Split('\n')[^1];
        Assert.EndsWith(" 0 failed", lastLine, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }
}
