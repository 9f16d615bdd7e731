using System.Formats.Tar;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class SourceEquivalenceTests
{
    [Fact]
    public void Folder_zip_and_tar_gz_sources_read_the_same_framework()
    {
        var fixture = FrameworkFixture.Valid();
        var expected = FrameworkHasher.ComputeHash(fixture.ParseValid());
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            fixture.WriteTo(directory.FullName);

            Assert.Equal(expected, HashOf(FrameworkSource.FromDirectory(directory.FullName)));
            Assert.Equal(expected, HashOf(Archives.ReadZip(fixture.ToZip())));
            Assert.Equal(expected, HashOf(Archives.ReadTarGz(fixture.ToTarGz())));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Archive_sources_strip_a_single_github_style_top_level_folder()
    {
        var fixture = FrameworkFixture.Valid();
        var expected = FrameworkHasher.ComputeHash(fixture.ParseValid());
        var tar = Archives.TarGz(
            fixture.ToFiles().Select(f => ("acme-framework-1a2b3c4/" + f.Key, f.Value)),
            writer =>
            {
                writer.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "1a2b3c4" }));
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "acme-framework-1a2b3c4/"));
            });

        Assert.Equal(expected, HashOf(Archives.ReadTarGz(tar)));
        Assert.Equal(expected, HashOf(Archives.ReadZip(fixture.ToZip("acme-framework-main/"))));
    }

    [Fact]
    public void Archive_sources_accept_dot_slash_entry_names()
    {
        var fixture = FrameworkFixture.Valid();

        Assert.Equal(FrameworkHasher.ComputeHash(fixture.ParseValid()), HashOf(Archives.ReadTarGz(fixture.ToTarGz("./"))));
    }

    [Fact]
    public void Archive_sources_do_not_strip_when_files_sit_in_several_top_level_folders()
    {
        var fixture = FrameworkFixture.Valid();
        var entries = fixture.ToFiles().Select(f => ("a/" + f.Key, f.Value)).Append(("b/readme.md", "x"u8.ToArray()));

        var result = FrameworkParser.Parse(Archives.ReadZip(Archives.Zip(entries)));

        FrameworkAssert.SingleError(result, "framework.yml");
    }

    [Fact]
    public void Folder_source_skips_the_git_directory()
    {
        var fixture = FrameworkFixture.Valid();
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            fixture.WriteTo(directory.FullName);
            Directory.CreateDirectory(Path.Combine(directory.FullName, ".git", "objects"));
            for (var i = 0; i < 20; i++)
            {
                File.WriteAllText(Path.Combine(directory.FullName, ".git", "objects", $"{i}"), "blob");
            }

            var source = FrameworkSource.FromDirectory(directory.FullName, new FrameworkLimits { MaxFiles = 10 });

            Assert.Empty(source.Errors);
            Assert.Equal(6, source.Files.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string HashOf(FrameworkSource source)
    {
        var result = FrameworkParser.Parse(source);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return FrameworkHasher.ComputeHash(result.Definition!);
    }
}
