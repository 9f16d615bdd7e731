using System.Text.Json.Serialization;
using FluentValidation;

namespace EngineeringFramework.Core.Exports;

/// <summary>The file formats a project's checklist can be exported in; written lower-case on every surface.</summary>
public enum ExportFormat
{
    [JsonStringEnumMemberName("markdown")]
    Markdown,

    [JsonStringEnumMemberName("csv")]
    Csv,
}

public sealed record ExportChecklistRequest(ExportFormat Format);

/// <summary>
/// An exported document: its text, its media type (without charset: the text is always UTF-8), a file name of ASCII
/// letters, digits, dots and dashes only (safe in any header or file system) and one that keeps the project's own
/// name (for RFC 5987 <c>filename*</c>).
/// </summary>
public sealed record ExportFile(string Content, string MediaType, string FileName, string DisplayFileName);

public static class ExportFormats
{
    public const string MarkdownMediaType = "text/markdown";
    public const string CsvMediaType = "text/csv";

    /// <summary>The names surfaces accept, as they are written: <c>markdown</c>, <c>csv</c>.</summary>
    public static string Names => "markdown or csv";

    /// <summary>Reads a format's name, ignoring case; numbers and other names are not formats.</summary>
    public static bool TryParse(string? value, out ExportFormat format)
    {
        format = default;
        if (string.Equals(value, "markdown", StringComparison.OrdinalIgnoreCase))
        {
            format = ExportFormat.Markdown;
            return true;
        }

        if (string.Equals(value, "csv", StringComparison.OrdinalIgnoreCase))
        {
            format = ExportFormat.Csv;
            return true;
        }

        return false;
    }
}

internal sealed class ExportChecklistValidator : AbstractValidator<ExportChecklistRequest>
{
    public ExportChecklistValidator() => RuleFor(r => r.Format).IsInEnum().WithMessage($"'Format' must be {ExportFormats.Names}.");
}
