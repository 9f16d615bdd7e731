using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EngineeringFramework.Core.OrganizationArchives;

/// <summary>The archive's JSON shape in one place: camelCase names, enums as names, indented for people who read it.</summary>
public static class OrganizationArchiveJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // The archive is a file, never markup: non-ASCII text stays readable instead of \uXXXX.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(OrganizationArchive archive) => JsonSerializer.SerializeToUtf8Bytes(archive, Options);

    public static OrganizationArchive? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<OrganizationArchive>(json, Options);

    public static ValueTask<OrganizationArchive?> DeserializeAsync(Stream json, CancellationToken cancellationToken)
        => JsonSerializer.DeserializeAsync<OrganizationArchive>(json, Options, cancellationToken);
}
