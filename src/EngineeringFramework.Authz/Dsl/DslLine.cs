namespace EngineeringFramework.Authz.Dsl;

/// <summary>A DSL line with its comment removed; <see cref="Number"/> is 1-based.</summary>
internal readonly record struct DslLine(int Number, int Indent, string Text)
{
    public static List<DslLine> Split(string dsl)
    {
        var result = new List<DslLine>();
        var raw = dsl.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < raw.Length; i++)
        {
            var text = StripComment(raw[i]).TrimEnd();
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0)
            {
                continue;
            }

            result.Add(new DslLine(i + 1, text.Length - trimmed.Length, trimmed));
        }

        return result;
    }

    // '#' starts a comment only at the start of a line or after whitespace; 'group#member' keeps its '#'.
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
