using System.Text;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// Puts user-provided text into a Markdown document without letting it change the document's structure: names and
/// short fields become one line of literal inline text, and markdown the user wrote (notes) is fenced as a block that
/// nothing inside can close.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// One line of literal text for a heading, a list item or a table cell: line breaks and other control characters
    /// become spaces (a newline would end the heading or the table row), and every character Markdown gives a meaning to
    /// inline (emphasis, code, links, HTML, entities, a table's <c>|</c>, a heading's <c>#</c>) is backslash-escaped.
    /// Callers always put it after a marker (<c>#### </c>, <c>| </c>, <c>- Label: </c>), never at the start of a line,
    /// so block syntax such as <c>1.</c> or <c>-</c> at the start of the text means nothing either.
    /// </summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var escaped = new StringBuilder(text.Length + 8);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                // Runs of line breaks and tabs collapse to one space.
                if (!space)
                {
                    escaped.Append(' ');
                }

                space = true;
                continue;
            }

            space = c == ' ';
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '~' or '!' or '&' or '$' or '{' or '}')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString().Trim();
    }

    /// <summary>
    /// The user's markdown as a fenced block: its headings, lists and HTML stay text inside the block. The fence is longer
    /// than any run of backticks in the text, so no line of it can close the block early.
    /// </summary>
    public static string Fenced(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n');
        var longest = 0;
        var run = 0;
        foreach (var c in normalized)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        return $"{fence}markdown\n{normalized}\n{fence}\n";
    }

    /// <summary>An autolink to a stored evidence link (http or https, validated on write); characters an autolink cannot hold are percent-encoded.</summary>
    public static string Link(string url)
    {
        var encoded = new StringBuilder(url.Length + 2).Append('<');
        foreach (var c in url)
        {
            if (c is '<' or '>' or ' ' || char.IsControl(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                encoded.Append(c);
            }
        }

        return encoded.Append('>').ToString();
    }
}
