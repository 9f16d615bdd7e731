namespace EngineeringFramework.Core.Frameworks;

/// <summary>Resolves a path in the source to decoded text, reporting size/encoding problems at the file path.</summary>
internal sealed class FrameworkFileReader(FrameworkSource source, FrameworkLimits limits, FrameworkErrorList errors)
{
    private readonly Dictionary<string, string?> _decoded = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads a referenced file. Returns null after reporting: at <paramref name="referenceLocation"/> when the file
    /// does not exist, at the file path when it is too large, not markdown or not UTF-8.
    /// </summary>
    public string? Read(string path, string referenceLocation, string what)
    {
        if (_decoded.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var text = ReadUncached(path, referenceLocation, what);
        _decoded[path] = text;
        return text;
    }

    private string? ReadUncached(string path, string referenceLocation, string what)
    {
        if (!source.Files.TryGetValue(path, out var file))
        {
            if (!source.RejectedPaths.Contains(path))
            {
                errors.Add(referenceLocation, $"{what} '{path}' does not exist");
            }

            return null;
        }

        var limit = path == FrameworkPaths.Manifest ? limits.MaxYamlBytes : limits.MaxMarkdownBytes;
        if (file.Content is null && file.Length <= limit)
        {
            // Only framework.yml and .md files are ever read; anything else is not content.
            errors.Add(referenceLocation, $"{what} '{path}' must be a markdown (.md) file");
            return null;
        }

        if (file.Content is null)
        {
            errors.Add(path, $"is larger than {limit} bytes");
            return null;
        }

        var text = StrictUtf8.Decode(file.Content, out var error);
        if (text is null)
        {
            errors.Add(path, error!);
        }

        return text;
    }
}
