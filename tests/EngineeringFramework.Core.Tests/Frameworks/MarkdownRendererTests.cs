using EngineeringFramework.Core.Frameworks.Rendering;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class MarkdownRendererTests
{
    private static readonly MarkdownRenderer Renderer = new();

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Hello <img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](  javascript:alert(1))")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\">x</div>")]
    [InlineData("<form action=\"https://evil.example\"><input name=q></form>")]
    [InlineData("[ref]: javascript:alert(1)\n\n[click][ref]")]
    public void Hostile_markdown_yields_no_script_no_handler_and_no_javascript_url(string markdown)
    {
        var html = Renderer.ToHtml(markdown);

        // Judge the DOM a browser would build, not substrings: escaped text such as "&lt;img onerror=…&gt;" is harmless.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "iframe" or "svg" or "img" or "form" or "style" or "object" or "embed");
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name is "style" or "src");
        Assert.All(elements.Where(e => e.HasAttribute("href")), e =>
            Assert.Matches("^(https?:|mailto:)", e.GetAttribute("href")!.Trim()));
    }

    [Fact]
    public void Raw_html_is_shown_as_text_not_dropped_silently()
    {
        var html = Renderer.ToHtml("Use <b>bold</b> carefully");

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_definition_markdown_keeps_its_structure()
    {
        var html = Renderer.ToHtml("## What it means\n\nSee [the guide](https://example.com/guide).\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n- [ ] first\n- [x] second\n\n`code`");

        Assert.Contains("<h2", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com/guide\" rel=\"noopener noreferrer nofollow\">the guide</a>", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"criteria\">", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_list_is_a_list_of_criteria_with_marks_and_no_inputs()
    {
        var html = Renderer.ToHtml("Done when:\n\n- [ ] the runbook is linked\n- [x] the owner is named\n\n1. [ ] not a task list in an ordered list\n");

        Assert.DoesNotContain("<input", html, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"criteria\">", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"criterion\"><span class=\"criterion-mark\" aria-hidden=\"true\">\u2610</span> the runbook is linked</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"criterion\"><span class=\"criterion-mark criterion-met\" aria-hidden=\"true\">\u2611</span><span class=\"visually-hidden\">Met: </span> the owner is named</li>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<input type=\"checkbox\" disabled>")]
    [InlineData("- <input type=\"text\" disabled> x")]
    public void Markup_posing_as_a_task_box_gains_nothing(string markdown)
    {
        var html = Renderer.ToHtml(markdown);

        Assert.DoesNotContain("<input", html, StringComparison.Ordinal);
        Assert.DoesNotContain("criterion", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_built_in_definition_and_template_renders_without_losing_its_headings()
    {
        var framework = EngineeringFramework.Core.Frameworks.FrameworkParser.ParsePath(EngineeringFramework.Testing.Repository.InRepository("content", "default-framework")).Definition!;

        Assert.All(framework.AllItems, i => Assert.Contains("<h2", Renderer.ToHtml(i.DefinitionMarkdown), StringComparison.Ordinal));
        Assert.All(framework.Templates, t => Assert.Contains("<h1", Renderer.ToHtml(t.Markdown), StringComparison.Ordinal));
    }
}
