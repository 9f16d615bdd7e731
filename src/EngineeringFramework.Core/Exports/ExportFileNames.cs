using System.Text;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// File names for exports, from names people typed: an ASCII one that is safe anywhere (a quoted header parameter, any
/// file system) and one that keeps the name as written, minus what no file name may hold.
/// </summary>
internal static class ExportFileNames
{
    private const int MaxStem = 80;

    /// <summary>Lower-case ASCII letters and digits, anything else as one dash: <c>Café #1</c> → <c>caf-1</c>; <paramref name="fallback"/> when nothing is left.</summary>
    public static string Ascii(string name, string fallback)
    {
        var stem = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                stem.Append(char.ToLowerInvariant(c));
            }
            else if (stem.Length > 0 && stem[^1] != '-')
            {
                stem.Append('-');
            }
        }

        var text = stem.ToString().Trim('-');
        text = text.Length > MaxStem ? text[..MaxStem].TrimEnd('-') : text;
        return text.Length == 0 ? fallback : text;
    }

    /// <summary>The name with control characters and the characters file systems reserve (<c>/ \ : * ? " &lt; &gt; |</c>) turned into dashes.</summary>
    public static string Display(string name, string fallback)
    {
        var stem = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            stem.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '-' : c);
        }

        var text = stem.ToString().Trim().Trim('.');
        text = text.Length > MaxStem ? text[..MaxStem] : text;
        return text.Length == 0 ? fallback : text;
    }
}
