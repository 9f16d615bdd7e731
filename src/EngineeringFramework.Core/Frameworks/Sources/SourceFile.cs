namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// A regular file found in a framework folder or archive. Only framework.yml and markdown files within their
/// size limit are read into memory; <paramref name="Content"/> is null for everything else (README images,
/// oversized files). A missing content only becomes an error if framework.yml references the file, so a
/// repository may carry other files next to the framework.
/// </summary>
/// <param name="Path">Normalized relative path: forward slashes, no <c>.</c>/<c>..</c> segments.</param>
/// <param name="Length">Size in bytes as declared by the file system or archive.</param>
internal sealed record SourceFile(string Path, long Length, byte[]? Content);
