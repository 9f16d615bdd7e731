using System.Text.Json;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Testing;

/// <summary>
/// Our side of the DSL fidelity check: converts every model of a conformance file with our parser into one
/// JSON object keyed by <see cref="Key"/>, for <c>.ci/dsl-fidelity</c> to compare with the official transformer.
/// </summary>
public static class DslFidelity
{
    /// <summary>"name/stage"; a repeated test name gets "(2)", "(3)"... so keys stay unique (the node script does the same).</summary>
    public static string Key(string testName, int occurrence, int stageIndex) =>
        (occurrence <= 1 ? testName : $"{testName}({occurrence})") + "/" + stageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the JSON file; returns 0, or 1 when a model failed to parse (recorded as {"error": ...}).</summary>
    public static int ExportModels(string conformancePath, string outputJsonPath, TextWriter? output = null)
    {
        var models = ConvertModels(File.ReadAllText(conformancePath), out var failures);
        File.WriteAllText(outputJsonPath, models.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        output?.WriteLine($"exported {models.Count} models to {outputJsonPath} ({failures} failed to parse)");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Converts every stage model of a conformance file: key → model JSON, or {"error": message}.</summary>
    public static JsonObject ConvertModels(string conformanceYaml, out int failures)
    {
        failures = 0;
        var result = new JsonObject();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var test in YamlTree.List(YamlTree.Load(conformanceYaml), "tests"))
        {
            var name = YamlTree.Str(test, "name") ?? "";
            seen[name] = seen.GetValueOrDefault(name) + 1;
            var stages = YamlTree.List(test, "stages");
            for (var i = 0; i < stages.Count; i++)
            {
                var parsed = DslParser.Parse(YamlTree.Str(stages[i], "model") ?? "");
                JsonNode node;
                if (parsed.Succeeded)
                {
                    node = JsonNode.Parse(ModelJson.Serialize(parsed.Model!))!;
                }
                else
                {
                    failures++;
                    node = new JsonObject { ["error"] = string.Join("; ", parsed.Errors) };
                }

                result[Key(name, seen[name], i)] = node;
            }
        }

        return result;
    }
}
