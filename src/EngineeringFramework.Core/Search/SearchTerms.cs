using System.Globalization;
using System.Text;

namespace EngineeringFramework.Core.Search;

/// <summary>
/// The query as words, and the same words found in a text. A word is a run of letters and digits, compared in lower
/// case; this is how both databases split text too (FTS5's unicode61 tokenizer, PostgreSQL's 'simple' configuration),
/// so the terms handed to them carry no syntax of theirs: nothing a user types can change what the query means.
/// </summary>
internal static class SearchTerms
{
    /// <summary>At most this many words are looked for; more would only narrow the result to nothing.</summary>
    public const int MaxTerms = 8;

    private const int MaxTermLength = 64;

    public static IReadOnlyList<string> Of(string? query)
    {
        var terms = new List<string>();
        if (query is null)
        {
            return terms;
        }

        foreach (var (start, length) in Words(query))
        {
            var term = query.Substring(start, Math.Min(length, MaxTermLength)).ToLowerInvariant();
            if (!terms.Contains(term))
            {
                terms.Add(term);
            }

            if (terms.Count == MaxTerms)
            {
                break;
            }
        }

        return terms;
    }

    /// <summary>FTS5: each word as a quoted prefix, all required (implicit AND).</summary>
    public static string Fts5(IReadOnlyList<string> terms) => string.Join(' ', terms.Select(t => $"\"{t}\"*"));

    /// <summary>PostgreSQL <c>to_tsquery</c>: each word as a prefix, all required.</summary>
    public static string TsQuery(IReadOnlyList<string> terms) => string.Join(" & ", terms.Select(t => $"{t}:*"));

    /// <summary>The runs of letters and digits of <paramref name="text"/>.</summary>
    public static IEnumerable<(int Start, int Length)> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && IsWordChar(text, i);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }

    /// <summary>Splits <paramref name="text"/> into fragments, marking each word that starts with one of the terms.</summary>
    public static IReadOnlyList<SearchFragment> Highlight(string text, IReadOnlyList<string> terms)
    {
        var fragments = new List<SearchFragment>();
        var plain = new StringBuilder();
        var at = 0;
        foreach (var (start, length) in Words(text))
        {
            if (!StartsWithATerm(text, start, terms))
            {
                continue;
            }

            plain.Append(text, at, start - at);
            if (plain.Length > 0)
            {
                fragments.Add(new SearchFragment(plain.ToString(), false));
                plain.Clear();
            }

            fragments.Add(new SearchFragment(text.Substring(start, length), true));
            at = start + length;
        }

        if (at < text.Length)
        {
            fragments.Add(new SearchFragment(text[at..], false));
        }

        return fragments;
    }

    /// <summary>
    /// About <paramref name="width"/> characters of <paramref name="text"/> (whitespace collapsed) around its first
    /// matching word, cut at word boundaries, with "…" where it was cut; empty when no word matches.
    /// </summary>
    public static IReadOnlyList<SearchFragment> Excerpt(string? text, IReadOnlyList<string> terms, int width = 220)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var flat = Flatten(text);
        var hit = FirstHit(flat, terms);
        return hit < 0 ? [] : Highlight(Window(flat, hit, width), terms);
    }

    /// <summary>
    /// The same excerpt as plain text, for a caller that shows no highlights; where no word matches (the text was found
    /// by another field), the opening of the text, cut the same way. Null only for a null text.
    /// </summary>
    public static string? ExcerptText(string? text, IReadOnlyList<string> terms, int width = 220)
    {
        if (text is null)
        {
            return null;
        }

        var flat = Flatten(text);
        return flat.Length == 0 ? flat : Window(flat, Math.Max(0, FirstHit(flat, terms)), width);
    }

    private static string Flatten(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Where the first word starting with one of the terms starts in <paramref name="flat"/>; -1 when none does.</summary>
    private static int FirstHit(string flat, IReadOnlyList<string> terms)
    {
        foreach (var (wordStart, _) in Words(flat))
        {
            if (StartsWithATerm(flat, wordStart, terms))
            {
                return wordStart;
            }
        }

        return -1;
    }

    /// <summary>About <paramref name="width"/> characters of <paramref name="flat"/> from a third of it before <paramref name="hit"/>, cut at spaces, "…" marking each cut.</summary>
    private static string Window(string flat, int hit, int width)
    {
        var start = Math.Max(0, hit - (width / 3));
        var end = Math.Min(flat.Length, start + width);
        start = start > 0 ? NextWordStart(flat, start) : 0;
        end = end < flat.Length ? PreviousWordEnd(flat, end) : flat.Length;
        return (start > 0 ? "…" : string.Empty) + flat[start..end] + (end < flat.Length ? "…" : string.Empty);
    }

    private static bool StartsWithATerm(string text, int start, IReadOnlyList<string> terms)
    {
        foreach (var term in terms)
        {
            if (text.AsSpan(start).StartsWith(term, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int NextWordStart(string text, int from)
    {
        while (from < text.Length && text[from] != ' ')
        {
            from++;
        }

        return Math.Min(text.Length, from + 1);
    }

    private static int PreviousWordEnd(string text, int from)
    {
        var at = from;
        while (at > 0 && text[at - 1] != ' ')
        {
            at--;
        }

        return at > 0 ? at - 1 : from;
    }

    private static bool IsWordChar(string text, int i)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
        return char.IsLetterOrDigit(text, i) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }
}
