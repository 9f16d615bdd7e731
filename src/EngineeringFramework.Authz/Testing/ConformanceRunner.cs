using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Testing;

/// <summary>
/// Runs a file in the format of OpenFGA's <c>assets/tests/consolidated_1_1_tests.yaml</c> with the semantics of
/// OpenFGA's own harness: the stages of a test share one store and tuples accumulate; <c>errorCode</c> means the
/// call must fail with that code; a single-stage test runs a second time with its tuples sent as contextual
/// tuples (skipped above 100); every object or user a list returns must also pass Check. Counts assertions.
/// The engine under test is the embedded one, or an OpenFGA server reached through <see cref="RemoteAuthorizationEngine"/>
/// with a fresh store per test run; the report is the same either way.
/// </summary>
public static class ConformanceRunner
{
    private const int WriteChunk = 40;
    private const int MaxContextualTuples = 100;

    /// <summary>Runs the file on the embedded engine; returns 0 when every assertion passed. The last line printed is "N passed, M failed".</summary>
    public static int Run(string path, TextWriter output) =>
        RunAsync(path, output, new EmbeddedStores(), CancellationToken.None).GetAwaiter().GetResult().ExitCode;

    /// <summary>Runs the file against the OpenFGA server at <paramref name="apiUrl"/>, each test in a store of its own (deleted afterwards).</summary>
    public static async Task<ConformanceReport> RunRemoteAsync(string path, Uri apiUrl, string? apiToken, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient();
        return await RunAsync(path, output, new RemoteStores(http, apiUrl, apiToken), cancellationToken);
    }

    /// <summary>Runs the file on the embedded engine and returns the per-test report.</summary>
    public static Task<ConformanceReport> RunEmbeddedAsync(string path, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(path, output, new EmbeddedStores(), cancellationToken);

    private static async Task<ConformanceReport> RunAsync(string path, TextWriter output, ITestStores stores, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tally = new TestTally(output);
        object? root;
        try
        {
            root = YamlTree.Load(await File.ReadAllTextAsync(path, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            tally.Fail($"cannot read {path}: {ex.Message}");
            return new ConformanceReport(tally.Finish(), tally.PerTest);
        }

        foreach (var test in YamlTree.List(root, "tests"))
        {
            var stages = YamlTree.List(test, "stages");
            var reachable = await RunTestAsync(test, stages, contextual: false, stores, tally, cancellationToken)
                && (stages.Count != 1 || await RunTestAsync(test, stages, contextual: true, stores, tally, cancellationToken));
            if (!reachable)
            {
                break;
            }
        }

        return new ConformanceReport(tally.Finish(), tally.PerTest);
    }

    // False when no store could be had because the server did not answer: the rest of the run would only repeat that.
    private static async Task<bool> RunTestAsync(object? test, List<object?> stages, bool contextual, ITestStores stores, TestTally tally, CancellationToken cancellationToken)
    {
        var name = (YamlTree.Str(test, "name") ?? "?") + (contextual ? "_ctxTuples" : "");
        tally.Begin(name);
        TestStore store;
        try
        {
            store = await stores.CreateAsync(name, cancellationToken);
        }
        catch (AuthorizationUnavailableException ex)
        {
            tally.Fail($"{name}: cannot create a store, stopping the run: {ex.Message}");
            return false;
        }
        catch (AuthzException ex)
        {
            tally.Fail($"{name}: cannot create a store: {ex.Message}");
            return true;
        }

        await using (store)
        {
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
                    await store.Engine.WriteModelAsync(DslParser.ParseAndValidate(YamlTree.Str(stage, "model") ?? ""), cancellationToken);
                    if (!contextual)
                    {
                        for (var i = 0; i < tuples.Count; i += WriteChunk)
                        {
                            await store.Engine.WriteAsync(new WriteRequest { Writes = tuples.GetRange(i, Math.Min(WriteChunk, tuples.Count - i)) }, cancellationToken);
                        }
                    }
                }
                catch (Exception ex) when (ex is AuthzException or AuthorizationUnavailableException)
                {
                    tally.Fail($"{where}: setup failed: {ex.Message}");
                    continue;
                }

                var stageContext = contextual ? tuples : [];
                var assertions = new StageAssertions(store.Engine, stage, stageContext, where, tally);
                await assertions.RunChecksAsync(cancellationToken);
                await assertions.RunListObjectsAsync(cancellationToken);
                await assertions.RunListUsersAsync(cancellationToken);
            }
        }

        return true;
    }

    /// <summary>Where each test gets a fresh store.</summary>
    private interface ITestStores
    {
        Task<TestStore> CreateAsync(string testName, CancellationToken cancellationToken);
    }

    /// <summary>An engine with a store of its own, and what to do when the test is over.</summary>
    private sealed class TestStore(IAuthorizationEngine engine, Func<ValueTask> cleanUp) : IAsyncDisposable
    {
        public IAuthorizationEngine Engine { get; } = engine;

        public ValueTask DisposeAsync() => cleanUp();
    }

    private sealed class EmbeddedStores : ITestStores
    {
        public Task<TestStore> CreateAsync(string testName, CancellationToken cancellationToken)
        {
            var tuples = new InMemoryTupleStore();
            return Task.FromResult(new TestStore(new AuthorizationEngine(tuples), () =>
            {
                tuples.Dispose();
                return ValueTask.CompletedTask;
            }));
        }
    }

    private sealed class RemoteStores(HttpClient http, Uri apiUrl, string? apiToken) : ITestStores
    {
        private readonly OpenFgaStores stores = new(http, apiUrl, apiToken);

        public async Task<TestStore> CreateAsync(string testName, CancellationToken cancellationToken)
        {
            var store = await stores.CreateAsync("conformance " + testName, cancellationToken);
            var engine = new RemoteAuthorizationEngine(http, new RemoteEngineOptions
            {
                ApiUrl = apiUrl,
                StoreId = store.Id,
                ApiToken = apiToken,
                Timeout = TimeSpan.FromSeconds(30),
            });
            return new TestStore(engine, async () =>
            {
                try
                {
                    await stores.DeleteAsync(store.Id, CancellationToken.None);
                }
                catch (Exception ex) when (ex is AuthzException or AuthorizationUnavailableException)
                {
                    // A store left behind costs the server a little memory; it does not change any result.
                }
            });
        }
    }
}

/// <summary>The outcome of a conformance run: the exit code and each test's passes and failures.</summary>
public sealed record ConformanceReport(int ExitCode, IReadOnlyDictionary<string, TestOutcome> Tests);
