using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Content hash of a framework: lowercase hex SHA-256 over a canonical serialization of its content, so the
/// same framework gives the same hash whatever its YAML formatting, key order, list order in the file, quoting,
/// comments, archive type or file order — and export → re-import keeps it.
/// <para>Canonical form, version 1. Every value is a netstring <c>{UTF-8 byte count}:{UTF-8 bytes}</c>;
/// an absent value is the single byte <c>~</c>; numbers are decimal (invariant, optional '-'); booleans are
/// <c>0</c>/<c>1</c>:</para>
/// <code>
/// framework   = S("engineering-framework/1") N(#categories) category* N(#templates) template*
/// category    = S(slug) S(name) N(order) O(description) N(#subcategories) subcategory*
/// subcategory = S(slug) S(name) N(order) O(description) N(#items) item*
/// item        = S(slug) S(name) N(order) B(optional) O(definition markdown) O(templateSlug) [S("reviewIntervalDays") N(days)]
/// template    = S(slug) S(name) S(markdown)
/// </code>
/// <para>Categories, subcategories and items in (order, slug) order; templates by slug (ordinal). Markdown is
/// the decoded text in <see cref="CanonicalText.Markdown"/> form (no BOM, line endings "\n"). Not included: template file paths (a storage detail;
/// the exporter always writes templates/{slug}.md), definition files of items without hasDefinition, and any
/// file framework.yml does not reference. A blank description counts as absent.</para>
/// <para>The bracketed review interval is written only when the item has one: a field added after version 1 is
/// appended that way, tagged by its name, so every framework without it keeps the hash it always had (stored versions,
/// projects' recorded versions and GitHub sync's "unchanged" check all compare hashes) while one with it hashes
/// differently. The tag keeps it apart from the next item, which starts with a slug and can never be that text's
/// netstring (a slug is lowercase, no capitals).</para>
/// </summary>
internal static class FrameworkHasher
{
    private const string FormatTag = "engineering-framework/1";

    public static string ComputeHash(FrameworkDefinition framework)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var writer = new Writer(hash);
        writer.String(FormatTag);
        var categories = FrameworkOrdering.Sort(framework.Categories, c => c.Order, c => c.Slug).ToList();
        writer.Number(categories.Count);
        foreach (var category in categories)
        {
            writer.String(category.Slug);
            writer.String(category.Name);
            writer.Number(category.Order);
            writer.Optional(Blank(category.Description));
            var subcategories = FrameworkOrdering.Sort(category.Subcategories, s => s.Order, s => s.Slug).ToList();
            writer.Number(subcategories.Count);
            foreach (var subcategory in subcategories)
            {
                WriteSubcategory(writer, subcategory);
            }
        }

        var templates = framework.Templates.OrderBy(t => t.Slug, StringComparer.Ordinal).ToList();
        writer.Number(templates.Count);
        foreach (var template in templates)
        {
            writer.String(template.Slug);
            writer.String(template.Name);
            writer.String(CanonicalText.Markdown(template.Markdown));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteSubcategory(Writer writer, FrameworkSubcategory subcategory)
    {
        writer.String(subcategory.Slug);
        writer.String(subcategory.Name);
        writer.Number(subcategory.Order);
        writer.Optional(Blank(subcategory.Description));
        var items = FrameworkOrdering.Sort(subcategory.Items, i => i.Order, i => i.Slug).ToList();
        writer.Number(items.Count);
        foreach (var item in items)
        {
            writer.String(item.Slug);
            writer.String(item.Name);
            writer.Number(item.Order);
            writer.String(item.Optional ? "1" : "0");
            writer.Optional(item.DefinitionMarkdown is null ? null : CanonicalText.Markdown(item.DefinitionMarkdown));
            writer.Optional(item.TemplateSlug);
            if (item.ReviewIntervalDays is { } days)
            {
                writer.String("reviewIntervalDays");
                writer.Number(days);
            }
        }
    }

    private static string? Blank(string? description) => string.IsNullOrWhiteSpace(description) ? null : description;

    private sealed class Writer(IncrementalHash hash)
    {
        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            hash.AppendData(bytes);
        }

        public void Number(int value) => String(value.ToString(CultureInfo.InvariantCulture));

        public void Optional(string? value)
        {
            if (value is null)
            {
                hash.AppendData("~"u8);
            }
            else
            {
                String(value);
            }
        }
    }
}
