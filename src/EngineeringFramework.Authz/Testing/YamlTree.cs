using System.Globalization;
using YamlDotNet.Serialization;

namespace EngineeringFramework.Authz.Testing;

/// <summary>Loads YAML into plain maps, lists and strings, with small typed accessors for the test runners.</summary>
internal static class YamlTree
{
    public static object? Load(string yaml) => new DeserializerBuilder().Build().Deserialize<object>(yaml);

    public static Dictionary<object, object?>? Map(object? node) => node as Dictionary<object, object?>;

    public static object? Get(object? node, string key) =>
        Map(node) is { } map && map.TryGetValue(key, out var value) ? value : null;

    public static string? Str(object? node, string key) => Get(node, key) as string;

    public static List<object?> List(object? node, string key) => Get(node, key) as List<object?> ?? [];

    public static List<string> Strings(object? node, string key) =>
        Get(node, key) switch
        {
            List<object?> list => list.Select(item => Convert.ToString(item, CultureInfo.InvariantCulture) ?? "").ToList(),
            string single => [single],
            _ => [],
        };

    public static bool? Bool(object? node, string key) =>
        Str(node, key) is { } text && bool.TryParse(text, out var value) ? value : null;

    public static int? Int(object? node, string key) =>
        Str(node, key) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static TupleKey Tuple(object? node) =>
        new(Str(node, "object") ?? "", Str(node, "relation") ?? "", Str(node, "user") ?? "");

    public static List<TupleKey> Tuples(object? node, string key) => List(node, key).ConvertAll(Tuple);
}
