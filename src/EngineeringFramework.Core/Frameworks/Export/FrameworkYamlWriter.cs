using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Emits framework.yml through YamlDotNet's emitter (correct escaping of any text). Every text is
/// double-quoted so that a name like "true", "1" or "null" reads back as text.
/// </summary>
internal static class FrameworkYamlWriter
{
    public static string Write(FrameworkDefinition framework)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new MappingStart());
        Key(emitter, "categories");
        List(emitter, framework.Categories, category =>
        {
            Header(emitter, category.Name, category.Slug, category.Order, category.Description);
            Key(emitter, "subcategories");
            List(emitter, category.Subcategories, subcategory =>
            {
                Header(emitter, subcategory.Name, subcategory.Slug, subcategory.Order, subcategory.Description);
                Key(emitter, "items");
                List(emitter, subcategory.Items, item => WriteItem(emitter, item));
            });
        });
        Key(emitter, "templates");
        List(emitter, framework.Templates, template =>
        {
            Text(emitter, "slug", template.Slug);
            Text(emitter, "name", template.Name);
            Text(emitter, "file", FrameworkPaths.Template(template.Slug));
        });
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteItem(IEmitter emitter, FrameworkItem item)
    {
        Text(emitter, "name", item.Name);
        Text(emitter, "slug", item.Slug);
        Plain(emitter, "order", item.Order.ToString(CultureInfo.InvariantCulture));
        Plain(emitter, "optional", Bool(item.Optional));
        Plain(emitter, "hasDefinition", Bool(item.DefinitionMarkdown is not null));
        Plain(emitter, "hasTemplate", Bool(item.TemplateSlug is not null));
        if (item.TemplateSlug is not null)
        {
            Text(emitter, "templateSlug", item.TemplateSlug);
        }

        if (item.ReviewIntervalDays is { } days)
        {
            Plain(emitter, "reviewIntervalDays", days.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Header(IEmitter emitter, string name, string slug, int order, string? description)
    {
        Text(emitter, "name", name);
        Text(emitter, "slug", slug);
        Plain(emitter, "order", order.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(description))
        {
            Text(emitter, "description", description);
        }
    }

    private static void List<T>(IEmitter emitter, IEnumerable<T> entries, Action<T> writeFields)
    {
        emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Block));
        foreach (var entry in entries)
        {
            emitter.Emit(new MappingStart());
            writeFields(entry);
            emitter.Emit(new MappingEnd());
        }

        emitter.Emit(new SequenceEnd());
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static void Key(IEmitter emitter, string key) => emitter.Emit(new Scalar(key));

    private static void Text(IEmitter emitter, string key, string value)
    {
        Key(emitter, key);
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true));
    }

    private static void Plain(IEmitter emitter, string key, string value)
    {
        Key(emitter, key);
        emitter.Emit(new Scalar(value));
    }
}
