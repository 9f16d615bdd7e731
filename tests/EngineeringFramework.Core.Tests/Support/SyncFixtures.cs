using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EngineeringFramework.Testing;

/// <summary>Framework repositories for GitHub sync tests, as path → bytes, written in the product's format.</summary>
public static class SyncFixtures
{
    /// <summary>
    /// A valid framework of <paramref name="items"/> items (5 per subcategory, 4 subcategories per category) with
    /// one definition per item and <paramref name="templates"/> templates: 100 items and 19 templates make 120 files.
    /// <paramref name="label"/> goes into every item name, so two labels give two different contents.
    /// </summary>
    public static Dictionary<string, byte[]> Framework(int items = 100, int templates = 19, string label = "v1")
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var yaml = new StringBuilder("categories:\n");
        var item = 0;
        for (var c = 1; item < items; c++)
        {
            Line(yaml, $"  - name: \"Practice area {c}\"\n    slug: \"area-{c}\"\n    order: {c}\n    subcategories:");
            for (var s = 1; s <= 4 && item < items; s++)
            {
                Line(yaml, $"      - name: \"Topic {c}.{s}\"\n        slug: \"topic-{c}-{s}\"\n        order: {s}\n        items:");
                for (var i = 1; i <= 5 && item < items; i++, item++)
                {
                    var slug = $"practice-{item:D3}";
                    var template = templates > 0 && item % 2 == 0 ? $"\n            hasTemplate: true\n            templateSlug: \"doc-{item % templates:D2}\"" : string.Empty;
                    Line(yaml, $"          - name: \"Practice {item:D3} ({label})\"\n            slug: \"{slug}\"\n            order: {i}\n            optional: {(item % 9 == 8 ? "true" : "false")}\n            hasDefinition: true{template}");
                    files[$"definitions/{slug}.md"] = Encoding.UTF8.GetBytes(
                        $"# Practice {item:D3}\n\n## What it means\nThe team keeps practice {item} current.\n\n## Why it matters\nIt avoids surprises.\n\n## How to complete it\nWrite it down and review it.\n\n## Definition of done\nReviewed and linked from the project.\n");
                }
            }
        }

        if (templates > 0)
        {
            yaml.Append("templates:\n");
            for (var t = 0; t < templates; t++)
            {
                Line(yaml, $"  - slug: \"doc-{t:D2}\"\n    name: \"Document {t:D2}\"\n    file: \"templates/doc-{t:D2}.md\"");
                files[$"templates/doc-{t:D2}.md"] = Encoding.UTF8.GetBytes($"# Document {t:D2}\n\n## Context\n\n## Decision\n\n## Consequences\n");
            }
        }

        files["framework.yml"] = Encoding.UTF8.GetBytes(yaml.ToString());
        return files;
    }

    /// <summary>A repository whose framework.yml names a definition file that is not there.</summary>
    public static Dictionary<string, byte[]> InvalidFramework()
    {
        var files = Framework(items: 5, templates: 1, label: "broken");
        files.Remove("definitions/practice-003.md");
        return files;
    }

    /// <summary>A tarball shaped like GitHub's: one top-level folder per commit, then the repository's files.</summary>
    public static byte[] TarGz(IReadOnlyDictionary<string, byte[]> files, string topFolder)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, topFolder + "/"));
            foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{topFolder}/{path}") { DataStream = new MemoryStream(bytes) });
            }
        }

        return output.ToArray();
    }

    private static void Line(StringBuilder yaml, FormattableString text) => yaml.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
