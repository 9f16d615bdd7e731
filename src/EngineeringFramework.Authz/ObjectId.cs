namespace EngineeringFramework.Authz;

/// <summary>Splits and checks <c>type:id</c> object strings the way OpenFGA accepts them.</summary>
public static class ObjectId
{
    public static bool TryParse(string text, bool allowWildcard, out string type, out string id)
    {
        type = id = "";
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        type = text[..colon];
        id = text[(colon + 1)..];
        if (!IsName(type) || id.Contains('#', StringComparison.Ordinal) || ContainsWhiteSpace(id))
        {
            return false;
        }

        return allowWildcard || id != TupleUser.WildcardId;
    }

    internal static bool IsName(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c is ':' or '#' or '@' or '*')
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsWhiteSpace(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
