namespace EngineeringFramework.Core.Frameworks;

/// <summary>Body of <c>framework validate DIR_OR_ARCHIVE</c>; the host wires it to the executable.</summary>
internal static class FrameworkValidateCommand
{
    /// <param name="path">A framework folder, or a .zip / .tar.gz file (recognized by content).</param>
    /// <returns>0 when the framework is valid, 1 otherwise.</returns>
    public static int Run(string path, TextWriter output, FrameworkLimits? limits = null)
    {
        var result = FrameworkParser.ParsePath(path, limits);
        if (result.Definition is { } framework)
        {
            output.WriteLine(
                $"categories={framework.Categories.Length} subcategories={framework.SubcategoryCount} " +
                $"items={framework.ItemCount} templates={framework.Templates.Length}");
            return 0;
        }

        foreach (var error in result.Errors)
        {
            output.WriteLine(error.ToString());
        }

        return 1;
    }
}
