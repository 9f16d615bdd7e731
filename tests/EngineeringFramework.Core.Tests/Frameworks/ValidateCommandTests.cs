using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Validate_command_prints_counts_and_returns_zero_for_a_valid_folder()
    {
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            FrameworkFixture.Valid().WriteTo(directory.FullName);
            using var output = new StringWriter();

            var exitCode = FrameworkValidateCommand.Run(directory.FullName, output);

            Assert.Equal(0, exitCode);
            Assert.Equal("categories=2 subcategories=3 items=4 templates=2", output.ToString().TrimEnd());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("framework.zip", true)]
    [InlineData("framework.tar.gz", false)]
    [InlineData("no-extension", true)]
    public void Validate_command_recognizes_archives_by_content(string fileName, bool zip)
    {
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            var fixture = FrameworkFixture.Valid();
            var path = Path.Combine(directory.FullName, fileName);
            File.WriteAllBytes(path, zip ? fixture.ToZip() : fixture.ToTarGz("repo-abc/"));
            using var output = new StringWriter();

            Assert.Equal(0, FrameworkValidateCommand.Run(path, output));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_command_prints_each_error_with_its_location_and_returns_one()
    {
        var directory = Directory.CreateTempSubdirectory("framework-test-");
        try
        {
            var fixture = FrameworkFixture.Valid();
            fixture.Item(0, 0, 1).Set("order", "first");
            fixture.Files.Remove("templates/test-plan.md");
            fixture.WriteTo(directory.FullName);
            using var output = new StringWriter();

            var exitCode = FrameworkValidateCommand.Run(directory.FullName, output);

            Assert.Equal(1, exitCode);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("categories[0].subcategories[0].items[1].order: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("templates[1].file: ", lines[1], StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_command_on_the_built_in_framework_prints_at_least_12_categories_25_subcategories_100_items_and_24_templates()
    {
        using var output = new StringWriter();

        var exitCode = FrameworkValidateCommand.Run(EngineeringFramework.Testing.Repository.InRepository("content", "default-framework"), output);

        Assert.Equal(0, exitCode);
        var counts = output.ToString().Trim().Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(counts["categories"] >= 12 && counts["subcategories"] >= 25 && counts["items"] >= 100 && counts["templates"] >= 24, output.ToString());
    }

    [Fact]
    public void Validate_command_returns_one_for_a_path_that_does_not_exist()
    {
        using var output = new StringWriter();

        Assert.Equal(1, FrameworkValidateCommand.Run("/nonexistent/framework", output));
        Assert.StartsWith("(source): ", output.ToString(), StringComparison.Ordinal);
    }
}
