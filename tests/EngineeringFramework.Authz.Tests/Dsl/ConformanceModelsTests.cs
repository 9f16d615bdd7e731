using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;
using EngineeringFramework.Authz.Testing;

namespace EngineeringFramework.Authz.Tests.Dsl;

public sealed class ConformanceModelsTests
{
    [Fact]
    public void Every_conformance_model_parses_and_validates()
    {
        var path = RepositoryPaths.SkipUnlessConformanceFileExists();

        var models = DslFidelity.ConvertModels(File.ReadAllText(path), out var failures);

        Assert.Equal(0, failures);
        Assert.True(models.Count > 100, $"only {models.Count} models");
        foreach (var (key, node) in models)
        {
            var model = ModelJson.Deserialize(node!.ToJsonString());
            Assert.True(ModelValidator.Validate(model).Count == 0, key);
        }
    }

    [Fact]
    public void Export_keys_repeated_test_names_apart()
    {
        const string yaml = """
            tests:
            - name: same
              stages:
              - model: |
                  model
                    schema 1.1
                  type user
            - name: same
              stages:
              - model: |
                  model
                    schema 1.1
                  type user
              - model: |
                  model
                    schema 1.0
            """;

        var models = DslFidelity.ConvertModels(yaml, out var failures);

        Assert.Equal(["same/0", "same(2)/0", "same(2)/1"], models.Select(p => p.Key));
        Assert.Equal(1, failures);
        Assert.NotNull(models["same(2)/1"]!["error"]);
        Assert.Equal("same(2)/1", DslFidelity.Key("same", 2, 1));
        Assert.NotNull(DslParser.Parse("model\n  schema 1.1\ntype user\n").Model);
    }
}
