namespace EngineeringFramework.Core.Frameworks;

internal static class CanonicalText
{
    /// <summary>
    /// Drops a leading BOM and turns CRLF / CR into LF, so that a checkout with CRLF line endings (git autocrlf on
    /// Windows) yields the same content, and the same hash, as one with LF. Applied when reading and when hashing,
    /// so a definition built elsewhere (e.g. loaded from a database) hashes the same after export and re-import.
    /// </summary>
    public static string Markdown(string text)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }
}
