namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Bounds applied to untrusted framework input (uploads, repository archives). Every limit turns into a
/// located <see cref="FrameworkError"/> rather than an exception, so an author sees all problems at once.
/// Tests lower these to exercise the limits with tiny inputs.
/// </summary>
internal sealed record FrameworkLimits
{
    public static FrameworkLimits Default { get; } = new();

    /// <summary>
    /// The longest <c>reviewIntervalDays</c> an item may ask for: ten years. A part of the format rather than a tunable
    /// bound (organization archives and stored versions check the same range), so a constant.
    /// </summary>
    public const int MaxReviewIntervalDays = 3650;

    /// <summary>Maximum size of <c>framework.yml</c>.</summary>
    public long MaxYamlBytes { get; init; } = 1024 * 1024;

    /// <summary>Maximum size of each referenced markdown file (definitions and templates).</summary>
    public long MaxMarkdownBytes { get; init; } = 256 * 1024;

    /// <summary>Maximum total (uncompressed) size of all files in the folder or archive.</summary>
    public long MaxTotalBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>Maximum size of the archive stream itself (compressed), read before anything is decompressed.</summary>
    public long MaxArchiveBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>Maximum number of regular files in the folder or archive (directories are not counted).</summary>
    public int MaxFiles { get; init; } = 2000;

    public int MaxCategories { get; init; } = 100;

    /// <summary>Across the whole framework, not per category.</summary>
    public int MaxSubcategories { get; init; } = 1000;

    /// <summary>Across the whole framework.</summary>
    public int MaxItems { get; init; } = 2000;

    public int MaxTemplates { get; init; } = 500;

    /// <summary>Maximum mapping/sequence nesting in framework.yml; the format itself needs 7 levels.</summary>
    public int MaxYamlDepth { get; init; } = 16;

    public int MaxSlugLength { get; init; } = 100;

    public int MaxNameLength { get; init; } = 200;

    public int MaxDescriptionLength { get; init; } = 4000;

    /// <summary>Stops collecting after this many errors so a hostile file cannot produce an unbounded report.</summary>
    public int MaxErrors { get; init; } = 500;
}
