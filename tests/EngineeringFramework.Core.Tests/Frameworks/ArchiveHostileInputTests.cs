using System.Formats.Tar;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class ArchiveHostileInputTests
{
    private static readonly byte[] Evil = "evil"u8.ToArray();

    private static IEnumerable<(string, byte[])> WithEntry(string name) =>
        FrameworkFixture.Valid().ToFiles().Select(f => (f.Key, f.Value)).Append((name, Evil));

    [Theory]
    [InlineData("../evil.md", "../evil.md")]
    [InlineData("definitions/../../evil.md", "definitions/../../evil.md")]
    [InlineData("/etc/evil.md", "/etc/evil.md")]
    [InlineData("C:/evil.md", "C:/evil.md")]
    [InlineData("definitions\\..\\..\\evil.md", "definitions\\..\\..\\evil.md")]
    public void Zip_source_rejects_entry_escaping_the_folder(string entry, string location)
    {
        var source = Archives.ReadZip(Archives.Zip(WithEntry(entry)));

        FrameworkAssert.SingleError(source, location);
        FrameworkAssert.SingleError(FrameworkParser.Parse(source), location);
    }

    [Theory]
    [InlineData("../evil.md")]
    [InlineData("templates/../../../evil.md")]
    [InlineData("/etc/evil.md")]
    public void TarGz_source_rejects_entry_escaping_the_folder(string entry)
    {
        var source = Archives.ReadTarGz(Archives.TarGz(WithEntry(entry)));

        FrameworkAssert.SingleError(source, entry);
        FrameworkAssert.SingleError(FrameworkParser.Parse(source), entry);
    }

    [Fact]
    public void TarGz_source_rejects_symlink_even_where_a_definition_is_expected()
    {
        var files = FrameworkFixture.Valid().ToFiles();
        files.Remove("definitions/changelog.md");
        var tar = Archives.TarGz(
            files.Select(f => (f.Key, f.Value)),
            writer => writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "definitions/changelog.md") { LinkName = "/etc/passwd" }));

        var result = FrameworkParser.Parse(Archives.ReadTarGz(tar));

        // Reported once, as a link — not a second time as a missing definition.
        FrameworkAssert.SingleError(result, "definitions/changelog.md");
    }

    [Fact]
    public void TarGz_source_rejects_hard_link()
    {
        var tar = Archives.TarGz(
            FrameworkFixture.Valid().ToFiles().Select(f => (f.Key, f.Value)),
            writer => writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "extra.md") { LinkName = "framework.yml" }));

        FrameworkAssert.SingleError(Archives.ReadTarGz(tar), "extra.md");
    }

    [Fact]
    public void Zip_source_rejects_symlink_entry()
    {
        var zip = Archives.Zip(
            FrameworkFixture.Valid().ToFiles().Select(f => (f.Key, f.Value)),
            archive =>
            {
                var link = archive.CreateEntry("notes/link.md");
                link.ExternalAttributes = unchecked((int)0xA1FF0000); // S_IFLNK | 0777
                using var stream = link.Open();
                stream.Write("/etc/passwd"u8);
            });

        FrameworkAssert.SingleError(Archives.ReadZip(zip), "notes/link.md");
    }

    [Fact]
    public void Folder_source_rejects_symlink()
    {
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            FrameworkFixture.Valid().WriteTo(directory.FullName);
            File.CreateSymbolicLink(Path.Combine(directory.FullName, "definitions", "secret.md"), "/etc/passwd");

            FrameworkAssert.SingleError(FrameworkSource.FromDirectory(directory.FullName), "definitions/secret.md");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parser_rejects_definition_that_is_not_utf8_at_its_file()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["definitions/roadmap.md"] = [.. "# Caf"u8, 0xE9, (byte)'\n'];

        var error = FrameworkAssert.SingleError(fixture.Parse(), "definitions/roadmap.md");
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_rejects_definition_with_nul_characters_at_its_file()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.SetText("definitions/changelog.md", "# Change\0log\n");

        FrameworkAssert.SingleError(fixture.Parse(), "definitions/changelog.md");
    }

    [Fact]
    public void Parser_rejects_oversized_definition_at_its_file()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.SetText("definitions/roadmap.md", new string('x', 2000));

        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxMarkdownBytes = 1000 }), "definitions/roadmap.md");
    }

    [Fact]
    public void Parser_rejects_oversized_framework_yml()
    {
        var fixture = FrameworkFixture.Valid();

        FrameworkAssert.SingleError(fixture.Parse(new FrameworkLimits { MaxYamlBytes = 100 }), "framework.yml");
    }

    [Fact]
    public void Zip_source_does_not_inflate_a_zip_bomb_entry_beyond_its_limit()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["definitions/roadmap.md"] = new byte[50 * 1024 * 1024];
        var zip = fixture.ToZip();
        var limits = new FrameworkLimits { MaxTotalBytes = 100 * 1024 * 1024 };

        var result = FrameworkParser.Parse(Archives.ReadZip(zip, limits), limits);

        Assert.True(zip.Length < 1024 * 1024);
        FrameworkAssert.SingleError(result, "definitions/roadmap.md");
    }

    [Fact]
    public void Zip_source_does_not_trust_a_declared_size_that_lies()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["definitions/roadmap.md"] = new byte[100_000];
        var zip = fixture.ToZip();
        DeclareUncompressedSize(zip, "definitions/roadmap.md", 10);

        var result = FrameworkParser.Parse(Archives.ReadZip(zip), new FrameworkLimits { MaxMarkdownBytes = 1000 });

        FrameworkAssert.SingleError(result, "definitions/roadmap.md");
    }

    [Fact]
    public void TarGz_source_stops_at_the_total_size_limit()
    {
        var fixture = FrameworkFixture.Valid();
        fixture.Files["big.bin"] = new byte[30 * 1024 * 1024];

        var source = Archives.ReadTarGz(fixture.ToTarGz());

        FrameworkAssert.SingleError(source, "(source)");
        FrameworkAssert.SingleError(FrameworkParser.Parse(source), "(source)");
    }

    [Fact]
    public void Source_rejects_more_files_than_the_limit()
    {
        var fixture = FrameworkFixture.Valid();
        for (var i = 0; i < 20; i++)
        {
            fixture.SetText($"notes/{i}.md", "note");
        }

        var limits = new FrameworkLimits { MaxFiles = 10 };

        FrameworkAssert.SingleError(Archives.ReadZip(fixture.ToZip(), limits), "(source)");
        FrameworkAssert.SingleError(Archives.ReadTarGz(fixture.ToTarGz(), limits), "(source)");
        FrameworkAssert.SingleError(FrameworkSource.FromFiles(fixture.ToFiles(), limits), "(source)");
    }

    [Fact]
    public void Source_counts_rejected_entries_towards_the_file_limit()
    {
        var entries = Enumerable.Range(0, 100).Select(i => ($"../evil-{i}.md", Evil));

        var source = Archives.ReadZip(Archives.Zip(entries), new FrameworkLimits { MaxFiles = 10 });

        Assert.Equal(11, source.Errors.Count);
        Assert.Equal("(source)", source.Errors[^1].Location);
    }

    [Fact]
    public void Zip_source_rejects_an_archive_larger_than_the_limit()
    {
        var zip = FrameworkFixture.Valid().ToZip();

        FrameworkAssert.SingleError(Archives.ReadZip(zip, new FrameworkLimits { MaxArchiveBytes = 100 }), "(source)");
    }

    [Fact]
    public void Zip_source_reports_garbage_as_unreadable_archive()
    {
        FrameworkAssert.SingleError(Archives.ReadZip("PK not really a zip"u8.ToArray()), "(source)");
    }

    [Fact]
    public void TarGz_source_reports_garbage_as_unreadable_archive()
    {
        FrameworkAssert.SingleError(Archives.ReadTarGz([0x1f, 0x8b, 1, 2, 3, 4, 5]), "(source)");
    }

    /// <summary>Rewrites the uncompressed size in the local and central headers of one entry, as a hostile zip would.</summary>
    private static void DeclareUncompressedSize(byte[] zip, string name, int size)
    {
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            var (sizeOffset, nameOffset) = signature switch
            {
                0x04034b50 => (22, 30),
                0x02014b50 => (24, 46),
                _ => (-1, -1),
            };
            if (sizeOffset > 0 && zip.AsSpan(i + nameOffset).StartsWith(nameBytes))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + sizeOffset, 4), size);
                patched++;
            }
        }

        Assert.Equal(2, patched);
    }
}
