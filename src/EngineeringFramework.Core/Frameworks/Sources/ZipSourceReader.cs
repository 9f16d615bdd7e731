using System.IO.Compression;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>Reads a framework from a zip stream (an upload or a "Download ZIP" of a repository).</summary>
internal static class ZipSourceReader
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixDirectory = 0x4000;
    private const int UnixRegularFile = 0x8000;

    public static FrameworkSource Read(Stream stream, FrameworkLimits limits)
    {
        var collector = new SourceCollector(limits, stripTopLevelFolder: true);
        try
        {
            using var buffered = BufferIfNotSeekable(stream, limits);
            using var archive = new ZipArchive(buffered ?? stream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in archive.Entries)
            {
                if (!AddEntry(collector, entry))
                {
                    break;
                }
            }
        }
        catch (SourceLimitExceededException ex)
        {
            collector.Fail(ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            collector.Fail($"not a readable zip archive: {ex.Message}");
        }

        return collector.Build();
    }

    private static bool AddEntry(SourceCollector collector, ZipArchiveEntry entry)
    {
        // Zip has no entry types; Unix zippers store the st_mode in the high 16 bits of the external attributes.
        var unixType = (entry.ExternalAttributes >> 16) & UnixFileTypeMask;
        if (entry.FullName.EndsWith('/') || unixType == UnixDirectory)
        {
            return true;
        }

        if (unixType != 0 && unixType != UnixRegularFile)
        {
            collector.Reject(entry.FullName, unixType == 0xA000 ? "symbolic links are not allowed" : "not a regular file");
            return !collector.Stopped;
        }

        return collector.AddFile(entry.FullName, entry.Length, cap => ReadEntry(entry, cap));
    }

    private static byte[]? ReadEntry(ZipArchiveEntry entry, long cap)
    {
        try
        {
            using var content = entry.Open();
            return BoundedRead.ReadAtMost(content, cap);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            throw new SourceEntryUnreadableException($"cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// ZipArchive needs to seek (the directory is at the end). A non-seekable stream is buffered, bounded, so an
    /// endless upload cannot exhaust memory. Returns null when the caller's stream can be used as is.
    /// </summary>
    private static MemoryStream? BufferIfNotSeekable(Stream stream, FrameworkLimits limits)
    {
        if (stream.CanSeek)
        {
            return stream.Length - stream.Position > limits.MaxArchiveBytes
                ? throw new SourceLimitExceededException($"archive exceeds {limits.MaxArchiveBytes} bytes")
                : null;
        }

        var bytes = BoundedRead.ReadAtMost(stream, limits.MaxArchiveBytes)
            ?? throw new SourceLimitExceededException($"archive exceeds {limits.MaxArchiveBytes} bytes");
        return new MemoryStream(bytes, writable: false);
    }
}
