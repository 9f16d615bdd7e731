using System.Formats.Tar;
using System.IO.Compression;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>Reads a framework from a tar.gz stream, e.g. a GitHub tarball (entries under owner-repo-sha/).</summary>
internal static class TarGzSourceReader
{
    // Per entry a tar stream carries a 512-byte header, possibly a PAX/GNU long-name header with its data,
    // and up to 511 bytes of padding; directories add more. This allowance bounds the bytes that are not content.
    private const long OverheadPerFile = 4096;

    public static FrameworkSource Read(Stream stream, FrameworkLimits limits)
    {
        var collector = new SourceCollector(limits, stripTopLevelFolder: true);
        try
        {
            using var compressed = new LimitedReadStream(stream, limits.MaxArchiveBytes, "archive");
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            var decompressedLimit = limits.MaxTotalBytes + ((limits.MaxFiles + 64L) * OverheadPerFile);
            using var tar = new LimitedReadStream(gzip, decompressedLimit, "decompressed archive");
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
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
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or ArgumentException)
        {
            collector.Fail($"not a readable tar.gz archive: {ex.Message}");
        }

        return collector.Build();
    }

    private static bool AddEntry(SourceCollector collector, TarEntry entry)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes:
                // GitHub tarballs start with a pax_global_header carrying the commit id; it is metadata, not a file.
                return true;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                return collector.AddFile(entry.Name, entry.Length, cap => ReadEntry(entry, cap));
            case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                collector.Reject(entry.Name, "links are not allowed");
                return !collector.Stopped;
            default:
                collector.Reject(entry.Name, $"unsupported tar entry type {entry.EntryType}");
                return !collector.Stopped;
        }
    }

    private static byte[]? ReadEntry(TarEntry entry, long cap) =>
        entry.DataStream is { } data ? BoundedRead.ReadAtMost(data, cap) : [];
}
