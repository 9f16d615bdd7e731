using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Authz.Tests.Testing;

public sealed class StoreFileRunnerTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "authorization", "examples"), "*.fga.yaml"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Example_store_file_passes(string fileName)
    {
        var (exitCode, text) = Run(Path.Combine(RepositoryPaths.Root, "authorization", "examples", fileName));

        Assert.True(exitCode == 0, text);
        Assert.Matches(@"^\d+ passed, 0 failed$", LastLine(text));
    }

    [Fact]
    public void Store_file_with_a_wrong_expectation_fails_and_prints_the_failure()
    {
        var (exitCode, text) = Run(Fixture("wrong-expectation.fga.yaml"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("check user:anne viewer document:1: expected False but got True", text, StringComparison.Ordinal);
        Assert.Equal("1 passed, 1 failed", LastLine(text));
    }

    [Fact]
    public void Store_file_with_an_invalid_model_fails_with_the_model_error()
    {
        var (exitCode, text) = Run(Fixture("broken-model.fga.yaml"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("person", text, StringComparison.Ordinal);
        Assert.Equal("0 passed, 1 failed", LastLine(text));
    }

    [Fact]
    public void Missing_store_file_fails()
    {
        var (exitCode, text) = Run(Fixture("does-not-exist.fga.yaml"));

        Assert.NotEqual(0, exitCode);
        Assert.Equal("0 passed, 1 failed", LastLine(text));
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static (int ExitCode, string Output) Run(string path)
    {
        using var writer = new StringWriter();
        var exitCode = StoreFileRunner.Run(path, writer);
        return (exitCode, writer.ToString());
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].TrimEnd('\r');
}
