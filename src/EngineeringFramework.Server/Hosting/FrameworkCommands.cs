using System.CommandLine;
using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Server.Hosting;

/// <summary><c>framework validate DIR_OR_ARCHIVE</c>: the same parser and validator the importer and GitHub sync use.</summary>
internal static class FrameworkCommands
{
    public static Command Create(TextWriter output)
    {
        var path = new Argument<string>("path") { Description = "A framework folder, or a .zip / .tar.gz archive of one." };
        var validate = new Command("validate", "Validate a framework; print its counts (exit 0) or every error with its location (exit 1).") { path };
        validate.SetAction(parse => FrameworkValidateCommand.Run(parse.GetRequiredValue(path), output));

        return new Command("framework", "Framework content commands.") { validate };
    }
}
