using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EngineeringFramework.Core.RoleTemplates;

/// <summary>
/// A template's permissions in canonical form: distinct, sorted by ordinal, serialized as compact JSON
/// (<c>["create_projects","update_checklists"]</c>), with the lowercase hex SHA-256 of its UTF-8 bytes.
/// The same set always yields the same bytes, so the hash identifies the set.
/// </summary>
internal sealed record PermissionSet(IReadOnlyList<string> Names, string Json, string Hash)
{
    public static PermissionSet From(IEnumerable<string> names)
    {
        var sorted = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var json = JsonSerializer.Serialize(sorted);
        return new PermissionSet(sorted, json, HashOf(json));
    }

    public static string HashOf(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>Reads stored JSON; null when it is not an array of strings (tampered or corrupt).</summary>
    public static IReadOnlyList<string>? TryParse(string json)
    {
        try
        {
            var names = JsonSerializer.Deserialize<List<string?>>(json);
            return names is null || names.Any(n => n is null) ? null : names.ConvertAll(n => n!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Relations => Names.Select(n => PermissionCatalog.RelationOf(n)!).Order(StringComparer.Ordinal).ToList();
}
