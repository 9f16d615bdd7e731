using System.Formats.Tar;
using EngineeringFramework.Core.Frameworks;
using System.IO.Compression;

namespace EngineeringFramework.Core.Tests.Frameworks;

/// <summary>Builds zip and tar.gz archives in memory, including entries a well-behaved tool would never write.</summary>
internal static class Archives
{
    public static byte[] Zip(IEnumerable<(string Name, byte[] Content)> entries, Action<ZipArchive>? extra = null)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }

            extra?.Invoke(archive);
        }

        return output.ToArray();
    }

    public static byte[] TarGz(IEnumerable<(string Name, byte[] Content)> entries, Action<TarWriter>? extra = null)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            extra?.Invoke(tar);
            foreach (var (name, content) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }

        return output.ToArray();
    }

    public static FrameworkSource ReadZip(byte[] zip, FrameworkLimits? limits = null) => FrameworkSource.FromZip(new MemoryStream(zip), limits);

    public static FrameworkSource ReadTarGz(byte[] tarGz, FrameworkLimits? limits = null) => FrameworkSource.FromTarGz(new MemoryStream(tarGz), limits);
}
