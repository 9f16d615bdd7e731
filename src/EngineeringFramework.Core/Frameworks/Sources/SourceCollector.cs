namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// The one place every source (folder, zip, tar.gz, in-memory) feeds its entries through, so all of them
/// apply the same path rules and limits and produce the same <see cref="FrameworkSource"/>.
/// </summary>
internal sealed class SourceCollector(FrameworkLimits limits, bool stripTopLevelFolder)
{
    private readonly Dictionary<string, SourceFile> _files = new(StringComparer.Ordinal);
    private readonly List<FrameworkError> _errors = [];
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private long _totalBytes;
    private int _entries;

    /// <summary>True once a whole-source limit was hit; the caller must stop reading.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Reports a bad entry; its path is remembered so a reference to it is not reported again as missing.</summary>
    /// <remarks>Rejected entries count towards <see cref="FrameworkLimits.MaxFiles"/>, so an archive of a million
    /// "../x" entries stops early instead of producing a million errors.</remarks>
    public void Reject(string rawPath, string message)
    {
        if (!CountEntry())
        {
            return;
        }

        var path = SourcePath.Normalize(rawPath, out _);
        if (path is not null)
        {
            _rejected.Add(path);
        }

        _errors.Add(new(path ?? SourcePath.Display(rawPath), message));
    }

    public void Fail(string message)
    {
        _errors.Add(new(FrameworkPaths.SourceLocation, message));
        Stopped = true;
    }

    /// <param name="read">
    /// Given a byte cap, reads the content (at most cap + 1 bytes) or returns null if it is larger; throws
    /// <see cref="SourceEntryUnreadableException"/> for a corrupt entry.
    /// </param>
    /// <returns>False when reading must stop because a whole-source limit was exceeded.</returns>
    public bool AddFile(string rawPath, long length, Func<long, byte[]?> read)
    {
        var path = SourcePath.Normalize(rawPath, out var pathError);
        if (path is null)
        {
            Reject(rawPath, pathError!);
            return !Stopped;
        }

        if (_files.ContainsKey(path))
        {
            Reject(path, "duplicate entry");
            return !Stopped;
        }

        if (!CountEntry())
        {
            return false;
        }

        _totalBytes += Math.Max(0, length);
        if (_totalBytes > limits.MaxTotalBytes)
        {
            Fail($"total size exceeds {limits.MaxTotalBytes} bytes");
            return false;
        }

        var cap = ContentCap(path);
        byte[]? content;
        try
        {
            content = cap > 0 && length <= cap ? read(cap) : null;
        }
        catch (SourceEntryUnreadableException ex)
        {
            _entries--; // Reject counts the entry again.
            Reject(path, ex.Message);
            return !Stopped;
        }

        // A declared length that lies low is caught by the bounded read; record the file as oversized.
        var recordedLength = content is null && cap > 0 && length <= cap ? cap + 1 : length;
        _files.Add(path, new SourceFile(path, content?.Length ?? recordedLength, content));
        return true;
    }

    private bool CountEntry()
    {
        if (Stopped)
        {
            return false;
        }

        if (++_entries > limits.MaxFiles)
        {
            Fail($"more than {limits.MaxFiles} files");
            return false;
        }

        return true;
    }

    public FrameworkSource Build()
    {
        var prefix = stripTopLevelFolder ? CommonTopLevelFolder() : null;
        if (prefix is null)
        {
            return new FrameworkSource(_files, _errors, _rejected, !Stopped);
        }

        var files = _files.Values
            .Select(f => f with { Path = f.Path[prefix.Length..] })
            .ToDictionary(f => f.Path, StringComparer.Ordinal);
        var errors = _errors
            .Select(e => e.Location.StartsWith(prefix, StringComparison.Ordinal) ? e with { Location = e.Location[prefix.Length..] } : e)
            .ToList();
        var rejected = _rejected.Select(p => p.StartsWith(prefix, StringComparison.Ordinal) ? p[prefix.Length..] : p).ToHashSet(StringComparer.Ordinal);
        return new FrameworkSource(files, errors, rejected, !Stopped);
    }

    /// <summary>
    /// GitHub tarballs and "download as zip" put everything under one folder (owner-repo-sha/). When
    /// framework.yml is not at the root and every file shares one top-level folder, that folder is the root.
    /// </summary>
    private string? CommonTopLevelFolder()
    {
        if (_files.Count == 0 || _files.ContainsKey(FrameworkPaths.Manifest))
        {
            return null;
        }

        string? prefix = null;
        foreach (var path in _files.Keys)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                return null;
            }

            var candidate = path[..(slash + 1)];
            if (prefix is not null && prefix != candidate)
            {
                return null;
            }

            prefix = candidate;
        }

        return prefix;
    }

    private long ContentCap(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name == FrameworkPaths.Manifest)
        {
            return limits.MaxYamlBytes;
        }

        return name.EndsWith(".md", StringComparison.Ordinal) ? limits.MaxMarkdownBytes : 0;
    }
}
