using Ganss.Xss;
using Markdig;

namespace EngineeringFramework.Core.Frameworks.Rendering;

/// <summary>
/// Renders definitions, templates and notes to HTML that is safe to put in a page.
/// </summary>
/// <remarks>
/// Two independent layers, because framework content comes from customers' repositories and notes from
/// any member: Markdig never passes raw HTML through (<c>DisableHtml</c> escapes it as text), and the
/// rendered result then goes through an allow-list sanitizer that keeps only formatting elements and
/// http, https and mailto links, so no script, event-handler attribute, style or <c>javascript:</c> URL
/// can reach the browser even if a Markdig extension ever emitted one.
/// </remarks>
public sealed class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    // Built on first use: the renderer is scoped, and most requests that get one (a checklist read) never render.
    private HtmlSanitizer? sanitizer;

    public string ToHtml(string? markdown)
        => string.IsNullOrEmpty(markdown) ? string.Empty : (sanitizer ??= CreateSanitizer()).Sanitize(Markdown.ToHtml(markdown, Pipeline));

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "ins", "mark", "sub", "sup",
                "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "input",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "type", "checked", "disabled", "start", "align" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            // A task list ("- [ ] ...") in a definition of done is a list of criteria, not a form: its boxes would be
            // unlabelled inputs nobody can tick. Each becomes a mark (hidden from screen readers) and, when ticked in the
            // source, the word "Met:" for those who cannot see the mark; the list and its items get classes to style them.
            // Any other input, or one posing as a task box, is removed.
            if (e.Node is AngleSharp.Html.Dom.IHtmlInputElement input)
            {
                if (input.Type == "checkbox" && input.IsDisabled && input.ParentElement is { LocalName: "li" } item && item.ParentElement is { LocalName: "ul" } list)
                {
                    var met = input.IsChecked;
                    var mark = input.Owner!.CreateElement("span");
                    mark.ClassName = met ? "criterion-mark criterion-met" : "criterion-mark";
                    mark.SetAttribute("aria-hidden", "true");
                    mark.TextContent = met ? "\u2611" : "\u2610";
                    input.Replace(mark);
                    if (met)
                    {
                        var said = input.Owner.CreateElement("span");
                        said.ClassName = "visually-hidden";
                        said.TextContent = "Met: ";
                        mark.After(said);
                    }

                    item.ClassName = "criterion";
                    list.ClassName = "criteria";
                }
                else
                {
                    input.Remove();
                }
            }

            // Links leave the product: no referrer, no window.opener.
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement anchor)
            {
                anchor.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }
}
