using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Testing;

/// <summary>
/// Runs a file in the format of OpenFGA's <c>assets/tests/consolidated_1_1_tests.yaml</c> with the semantics of
/// OpenFGA's own harness: the stages of a test share one store and tuples accumulate; <c>errorCode</c> means the
/// call must fail with that code; a single-stage test runs a second time with its tuples sent as contextual
/// tuples (skipped above 100); every object or user a list returns must also pass Check. Counts assertions.
/// </summary>
public static class ConformanceRunner
{
    private const int WriteChunk = 40;
    private const int MaxContextualTuples = 100;

    /// <summary>Runs the file; returns 0 when every assertion passed. The last line printed is "N passed, M failed".</summary>
    public static int Run(string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tally = new TestTally(output);
        object? root;
        try
        {
            root = YamlTree.Load(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            tally.Fail($"cannot read {path}: {ex.Message}");
            return tally.Finish();
        }

        foreach (var test in YamlTree.List(root, "tests"))
        {
            var stages = YamlTree.List(test, "stages");
            RunTest(test, stages, contextual: false, tally);
            if (stages.Count == 1)
            {
                RunTest(test, stages, contextual: true, tally);
            }
        }

        return tally.Finish();
    }

    private static void RunTest(object? test, List<object?> stages, bool contextual, TestTally tally)
    {
        var name = (YamlTree.Str(test, "name") ?? "?") + (contextual ? "_ctxTuples" : "");
        using var store = new InMemoryTupleStore();
        var engine = new AuthorizationEngine(store);
        for (var index = 0; index < stages.Count; index++)
        {
            var stage = stages[index];
            var tuples = YamlTree.Tuples(stage, "tuples");
            if (contextual && tuples.Count > MaxContextualTuples)
            {
                continue;
            }

            var where = $"{name} stage {index}";
            try
            {
                engine.WriteModel(DslParser.ParseAndValidate(YamlTree.Str(stage, "model") ?? ""));
                if (!contextual)
                {
                    for (var i = 0; i < tuples.Count; i += WriteChunk)
                    {
                        engine.Write(new WriteRequest { Writes = tuples.GetRange(i, Math.Min(WriteChunk, tuples.Count - i)) });
                    }
                }
            }
            catch (AuthzException ex)
            {
                tally.Fail($"{where}: setup failed: {ex.Message}");
                continue;
            }

            var stageContext = contextual ? tuples : [];
            var assertions = new StageAssertions(engine, stage, stageContext, where, tally);
            assertions.RunChecks();
            assertions.RunListObjects();
            assertions.RunListUsers();
        }
    }
}
