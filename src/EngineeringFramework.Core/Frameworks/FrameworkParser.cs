namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Entry point: source files → validated <see cref="FrameworkDefinition"/> or every error found.
/// <code>
/// var result = FrameworkParser.Parse(FrameworkSource.FromZip(upload));
/// if (result.IsValid) { var hash = FrameworkHasher.ComputeHash(result.Definition!); }
/// else { foreach (var e in result.Errors) ... }
/// </code>
/// </summary>
internal static class FrameworkParser
{
    public static FrameworkValidationResult Parse(FrameworkSource source, FrameworkLimits? limits = null)
    {
        limits ??= FrameworkLimits.Default;
        var errors = new FrameworkErrorList(limits.MaxErrors);
        errors.AddRange(source.Errors);
        if (!source.IsComplete)
        {
            // The file list is partial; content checks would only add misleading "does not exist" errors.
            return FrameworkValidationResult.Failure(errors.Items);
        }

        var definition = ParseManifest(source, limits, errors);
        return definition is not null && errors.Count == 0
            ? FrameworkValidationResult.Success(definition)
            : FrameworkValidationResult.Failure(errors.Items);
    }

    /// <summary>Convenience for a folder, zip or tar.gz on disk (see <see cref="FrameworkSource.FromPath"/>).</summary>
    public static FrameworkValidationResult ParsePath(string path, FrameworkLimits? limits = null) =>
        Parse(FrameworkSource.FromPath(path, limits), limits);

    private static FrameworkDefinition? ParseManifest(FrameworkSource source, FrameworkLimits limits, FrameworkErrorList errors)
    {
        var yaml = new FrameworkFileReader(source, limits, errors).Read(FrameworkPaths.Manifest, FrameworkPaths.Manifest, "file");
        if (yaml is null)
        {
            return null;
        }

        var root = ManifestReader.Read(yaml, limits, errors);
        if (root is null)
        {
            return null;
        }

        var manifest = new ManifestBinder(limits, errors).Bind(root);
        return manifest is null ? null : new FrameworkAssembler(source, limits, errors).Assemble(manifest);
    }
}
