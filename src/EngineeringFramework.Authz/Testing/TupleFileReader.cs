using System.Text.Json;

namespace EngineeringFramework.Authz.Testing;

/// <summary>
/// Reads tuple files as the OpenFGA CLI accepts them: YAML or JSON lists of {user, relation, object}, or CSV with
/// either the CLI's columns (user_type, user_id, user_relation, relation, object_type, object_id) or user,relation,object.
/// </summary>
internal static class TupleFileReader
{
    public static List<TupleKey> Read(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var text = File.ReadAllText(path);
        return extension switch
        {
            ".csv" => ReadCsv(text, path),
            ".json" => ReadJson(text),
            _ => ReadYaml(text),
        };
    }

    private static List<TupleKey> ReadYaml(string text) =>
        YamlTree.Load(text) is List<object?> items ? items.ConvertAll(YamlTree.Tuple) : [];

    private static List<TupleKey> ReadJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var result = new List<TupleKey>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            result.Add(new TupleKey(Property(item, "object"), Property(item, "relation"), Property(item, "user")));
        }

        return result;
    }

    private static string Property(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private static List<TupleKey> ReadCsv(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return [];
        }

        var header = Array.ConvertAll(lines[0].Split(','), h => h.Trim());
        int Column(string name) => Array.IndexOf(header, name);
        var result = new List<TupleKey>();
        foreach (var line in lines.Skip(1))
        {
            var cells = Array.ConvertAll(line.Split(','), c => c.Trim());
            string Cell(string name) => Column(name) is var i and >= 0 && i < cells.Length ? cells[i] : "";
            if (Column("user_type") >= 0)
            {
                var user = Cell("user_type") + ":" + Cell("user_id") + (Cell("user_relation") is { Length: > 0 } r ? "#" + r : "");
                result.Add(new TupleKey(Cell("object_type") + ":" + Cell("object_id"), Cell("relation"), user));
            }
            else if (Column("user") >= 0)
            {
                result.Add(new TupleKey(Cell("object"), Cell("relation"), Cell("user")));
            }
            else
            {
                throw new FormatException($"{path}: the CSV header needs user,relation,object or user_type,user_id,...");
            }
        }

        return result;
    }
}
