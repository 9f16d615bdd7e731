using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;
using EngineeringFramework.Authz.Storage;

namespace EngineeringFramework.Authz.Testing;

/// <summary>
/// Runs a store file in the format of the OpenFGA CLI's <c>fga model test</c>: a model (<c>model_file</c> or inline
/// <c>model</c>), tuples (<c>tuples</c>, <c>tuple_file</c>, <c>tuple_files</c>) and <c>tests</c> with <c>check</c>,
/// <c>list_objects</c> and <c>list_users</c> assertions. Each test gets a fresh store with the file's tuples plus
/// its own. Prints every failure and, last, "N passed, M failed"; returns 0 only when nothing failed.
/// </summary>
public static class StoreFileRunner
{
    private const int WriteChunk = AuthorizationEngine.MaxTuplesPerWrite;

    public static int Run(string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tally = new TestTally(output);
        object? root;
        AuthorizationModel model;
        List<TupleKey> storeTuples;
        try
        {
            root = YamlTree.Load(File.ReadAllText(path));
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            model = LoadModel(root, directory);
            storeTuples = LoadTuples(root, directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
            or YamlDotNet.Core.YamlException or System.Text.Json.JsonException or InvalidModelException)
        {
            tally.Fail($"{path}: {ex.Message}");
            return tally.Finish();
        }

        var storeName = YamlTree.Str(root, "name") ?? Path.GetFileName(path);
        foreach (var test in YamlTree.List(root, "tests"))
        {
            RunTest(storeName, model, storeTuples, test, tally);
        }

        return tally.Finish();
    }

    private static AuthorizationModel LoadModel(object? root, string directory)
    {
        var dsl = YamlTree.Str(root, "model")
            ?? (YamlTree.Str(root, "model_file") is { } file ? File.ReadAllText(Path.Combine(directory, file))
                : throw new FormatException("the store file has neither 'model' nor 'model_file'"));
        return dsl.TrimStart().StartsWith('{') ? ModelJson.Deserialize(dsl) : DslParser.ParseAndValidate(dsl);
    }

    private static List<TupleKey> LoadTuples(object? root, string directory)
    {
        var tuples = YamlTree.Tuples(root, "tuples");
        var files = YamlTree.Strings(root, "tuple_files");
        if (YamlTree.Str(root, "tuple_file") is { } single)
        {
            files.Insert(0, single);
        }

        foreach (var file in files)
        {
            tuples.AddRange(TupleFileReader.Read(Path.Combine(directory, file)));
        }

        return tuples;
    }

    private static void RunTest(string storeName, AuthorizationModel model, List<TupleKey> storeTuples, object? test, TestTally tally)
    {
        var name = $"{storeName} / {YamlTree.Str(test, "name") ?? "?"}";
        using var store = new InMemoryTupleStore();
        var engine = new AuthorizationEngine(store);
        try
        {
            engine.WriteModel(model);
            var tuples = new List<TupleKey>(storeTuples);
            tuples.AddRange(YamlTree.Tuples(test, "tuples"));
            for (var i = 0; i < tuples.Count; i += WriteChunk)
            {
                var chunk = tuples.GetRange(i, Math.Min(WriteChunk, tuples.Count - i)).Distinct().ToList();
                engine.Write(new WriteRequest { Writes = chunk, Options = new WriteOptions(IgnoreDuplicateWrites: true) });
            }
        }
        catch (AuthzException ex)
        {
            tally.Fail($"{name}: cannot set up the store: {ex.Message}");
            return;
        }

        var assertions = new StoreFileAssertions(engine, name, tally);
        foreach (var check in YamlTree.List(test, "check"))
        {
            assertions.Check(check);
        }

        foreach (var listObjects in YamlTree.List(test, "list_objects"))
        {
            assertions.ListObjects(listObjects);
        }

        foreach (var listUsers in YamlTree.List(test, "list_users"))
        {
            assertions.ListUsers(listUsers);
        }
    }
}
