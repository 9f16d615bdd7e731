using EngineeringFramework.Core.Data;
using Microsoft.Extensions.Logging;

namespace EngineeringFramework.Core.Frameworks.Versions;

/// <summary>
/// Imports the built-in framework as the system framework on start, and again whenever its content
/// changes (a new hash). An unchanged framework costs one parse and one query.
/// </summary>
internal static partial class SystemFrameworkSeeder
{
    public const string BuiltinSource = "builtin";

    /// <exception cref="InvalidOperationException">The built-in framework is invalid: a defect of this release, so starting would serve a broken product.</exception>
    public static async Task<FrameworkImportResult> SeedAsync(AppDbContext db, TimeProvider time, string frameworkDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var result = FrameworkParser.ParsePath(frameworkDirectory);
        if (!result.IsValid)
        {
            throw new InvalidOperationException(
                $"The built-in framework at {frameworkDirectory} is invalid: " + string.Join("; ", result.Errors.Take(10).Select(e => $"{e.Location}: {e.Message}")));
        }

        // A new release's built-in framework replaces the previous built-in one, but never a framework a
        // super-admin edited or imported: theirs stays current, and the new built-in version is stored beside it.
        var import = await new FrameworkImporter(db, time).ImportAsync(
            result.Definition!, organizationId: null, BuiltinSource, makeCurrent: current => current is null || current.Source == BuiltinSource, cancellationToken);
        if (import.Created || import.BecameCurrent)
        {
            LogImported(logger, import.Version.ContentHash, import.Version.ItemCount);
        }

        return import;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Built-in framework {Hash} is now the system framework ({Items} items)")]
    private static partial void LogImported(ILogger logger, string hash, int items);
}
