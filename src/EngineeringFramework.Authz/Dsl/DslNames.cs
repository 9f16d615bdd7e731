namespace EngineeringFramework.Authz.Dsl;

/// <summary>The identifier rule of the DSL for type, relation and condition names.</summary>
internal static class DslNames
{
    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
