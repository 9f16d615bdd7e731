using System.IO.Compression;
using System.Text;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Writes a <see cref="FrameworkDefinition"/> back to the folder format: framework.yml, definitions/{item}.md and
/// templates/{template}.md. Parsing the result yields the same <see cref="FrameworkHasher"/> hash.
/// </summary>
internal static class FrameworkExporter
{
    // Fixed entry timestamps make two exports of the same framework byte-identical.
    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The files of the folder format, keyed by relative path, UTF-8 without BOM.</summary>
    public static IReadOnlyDictionary<string, byte[]> ToFiles(FrameworkDefinition framework)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [FrameworkPaths.Manifest] = Utf8(FrameworkYamlWriter.Write(framework)),
        };
        foreach (var item in framework.AllItems.Where(i => i.DefinitionMarkdown is not null))
        {
            files[FrameworkPaths.Definition(item.Slug)] = Utf8(item.DefinitionMarkdown!);
        }

        foreach (var template in framework.Templates)
        {
            files[FrameworkPaths.Template(template.Slug)] = Utf8(template.Markdown);
        }

        return files;
    }

    /// <summary>Writes the folder format as a zip archive into <paramref name="output"/> (left open).</summary>
    public static void WriteZip(FrameworkDefinition framework, Stream output)
    {
        using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (path, bytes) in ToFiles(framework))
        {
            var entry = archive.CreateEntry(path, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTimestamp;
            using var stream = entry.Open();
            stream.Write(bytes);
        }
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
}
