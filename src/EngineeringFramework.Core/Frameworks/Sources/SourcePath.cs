namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Normalizes relative paths coming from archive entries, the file system and <c>templates[].file</c>,
/// rejecting anything that could address a file outside the framework root.
/// </summary>
internal static class SourcePath
{
    /// <returns>The normalized path, or null with <paramref name="error"/> set.</returns>
    public static string? Normalize(string raw, out string? error)
    {
        error = Check(raw);
        if (error is not null)
        {
            return null;
        }

        var segments = new List<string>();
        foreach (var segment in raw.Split('/'))
        {
            switch (segment)
            {
                case ".":
                    continue;
                case "..":
                    error = "path escapes the framework folder ('..' is not allowed)";
                    return null;
                case "":
                    error = "path contains an empty segment";
                    return null;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        if (segments.Count == 0)
        {
            error = "path is empty";
            return null;
        }

        return string.Join('/', segments);
    }

    /// <summary>Makes a hostile entry name safe to print in an error location.</summary>
    public static string Display(string raw)
    {
        var cleaned = new string([.. raw.Select(c => char.IsControl(c) ? '?' : c)]);
        return cleaned.Length <= 300 ? cleaned : cleaned[..300] + "...";
    }

    private static string? Check(string raw)
    {
        if (raw.Length == 0)
        {
            return "path is empty";
        }

        if (raw.Any(char.IsControl))
        {
            return "path contains control characters";
        }

        if (raw.Contains('\\'))
        {
            // Backslashes are separators on Windows; a name like "..\x" would escape there.
            return "path contains a backslash";
        }

        if (raw[0] == '/' || (raw.Length >= 2 && raw[1] == ':' && char.IsAsciiLetter(raw[0])))
        {
            return "absolute paths are not allowed";
        }

        return null;
    }
}
