using System.Diagnostics;
using EngineeringFramework.Authz.Testing;
using EngineeringFramework.Testing;

namespace EngineeringFramework.Authz.Tests.Dsl;

/// <summary>
/// Runs .ci/dsl-fidelity/compare.js when node and its packages (npm ci) are present; skips otherwise, except in CI, where
/// .ci/run installs them before the tests and their absence fails.
/// </summary>
public sealed class OfficialTransformerComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_conformance_model_converts_exactly_as_the_official_transformer()
    {
        var conformance = RepositoryPaths.SkipUnlessConformanceFileExists();
        var tool = Path.Combine(RepositoryPaths.Root, ".ci", "dsl-fidelity");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "@openfga")))
        {
            Prerequisite.Missing($"The official transformer is not installed: run 'npm ci' in {tool} to compare with it.");
        }

        var exported = Path.Combine(Path.GetTempPath(), $"authz-dsl-{Guid.NewGuid():N}.json");
        try
        {
            Assert.Equal(0, DslFidelity.ExportModels(conformance, exported));
            var (exitCode, text) = RunNode(tool, conformance, exported);
            output.WriteLine(text);
            Assert.EndsWith(" 0 failed", text.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
            Assert.Equal(0, exitCode);
        }
        finally
        {
            File.Delete(exported);
        }
    }

    private static (int ExitCode, string Output) RunNode(string tool, string conformance, string exported)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("compare.js");
        start.ArgumentList.Add(conformance);
        start.ArgumentList.Add(exported);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Prerequisite.Missing("node is not installed: the comparison with the official transformer runs in Node 20+.");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }
}
