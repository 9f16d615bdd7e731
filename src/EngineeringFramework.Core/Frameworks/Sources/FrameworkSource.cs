namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// The files of one framework, read the same way from a folder, a zip, a tar.gz or memory. Reading never
/// throws for bad input: problems (path traversal, symlinks, limits, corrupt archives) land in
/// <see cref="Errors"/> and <see cref="FrameworkParser"/> reports them together with the content errors.
/// </summary>
internal sealed class FrameworkSource(
    IReadOnlyDictionary<string, SourceFile> files,
    IReadOnlyList<FrameworkError> errors,
    IReadOnlySet<string> rejectedPaths,
    bool isComplete)
{
    /// <summary>Regular files by normalized relative path (ordinal, case-sensitive).</summary>
    public IReadOnlyDictionary<string, SourceFile> Files { get; } = files;

    public IReadOnlyList<FrameworkError> Errors { get; } = errors;

    /// <summary>Entries already reported in <see cref="Errors"/> (symlinks, unreadable); not reported again as missing.</summary>
    public IReadOnlySet<string> RejectedPaths { get; } = rejectedPaths;

    /// <summary>
    /// False when reading stopped at a whole-source limit (file count, total size, corrupt archive): the file
    /// list is partial, so content validation would only add misleading "missing file" errors.
    /// </summary>
    public bool IsComplete { get; } = isComplete;

    public static FrameworkSource FromDirectory(string path, FrameworkLimits? limits = null) =>
        DirectorySourceReader.Read(path, limits ?? FrameworkLimits.Default);

    public static FrameworkSource FromZip(Stream stream, FrameworkLimits? limits = null) =>
        ZipSourceReader.Read(stream, limits ?? FrameworkLimits.Default);

    public static FrameworkSource FromTarGz(Stream stream, FrameworkLimits? limits = null) =>
        TarGzSourceReader.Read(stream, limits ?? FrameworkLimits.Default);

    /// <summary>Files already in memory (tests, a form upload of individual files). Keys are relative paths.</summary>
    public static FrameworkSource FromFiles(IEnumerable<KeyValuePair<string, byte[]>> files, FrameworkLimits? limits = null)
    {
        var collector = new SourceCollector(limits ?? FrameworkLimits.Default, stripTopLevelFolder: false);
        foreach (var (path, bytes) in files)
        {
            if (!collector.AddFile(path, bytes.Length, cap => bytes.Length <= cap ? bytes : null))
            {
                break;
            }
        }

        return collector.Build();
    }

    /// <summary>A folder, or a zip / tar.gz file recognized by its leading bytes (not its extension).</summary>
    public static FrameworkSource FromPath(string path, FrameworkLimits? limits = null)
    {
        limits ??= FrameworkLimits.Default;
        if (Directory.Exists(path))
        {
            return FromDirectory(path, limits);
        }

        if (!File.Exists(path))
        {
            return Failed($"'{path}' is neither a folder nor a file");
        }

        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[2];
            var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            stream.Position = 0;
            return read == 2 && magic[0] == 'P' && magic[1] == 'K' ? FromZip(stream, limits)
                : read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? FromTarGz(stream, limits)
                : Failed($"'{path}' is not a folder, a zip archive or a tar.gz archive");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed($"'{path}' cannot be read: {ex.Message}");
        }
    }

    private static FrameworkSource Failed(string message) =>
        new(new Dictionary<string, SourceFile>(), [new FrameworkError(FrameworkPaths.SourceLocation, message)], new HashSet<string>(), false);
}
