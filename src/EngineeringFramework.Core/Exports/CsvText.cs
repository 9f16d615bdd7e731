using System.Text;
using CsvHelper;

namespace EngineeringFramework.Core.Exports;

/// <summary>
/// CSV as every export writes it: UTF-8 without a byte order mark, RFC 4180 (CRLF, fields with a comma, quote or line
/// break quoted, quotes doubled), a header row, and formula injection defused.
/// </summary>
internal static class CsvText
{
    /// <remarks>
    /// Cells hold user text (names, notes, reasons). A spreadsheet runs a cell that starts with <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, a tab or a CR as a formula, so such a cell is written with a leading <c>'</c>, which
    /// spreadsheets show as text (OWASP's advice, and CsvHelper's <see cref="CsvInjection.Escape"/>).
    /// </remarks>
    internal static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    public static string Write(string[] header, IEnumerable<string?[]> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, Options, leaveOpen: true))
        {
            writer.WriteHeader(header);
            foreach (var row in rows)
            {
                writer.WriteRecord(row);
            }
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
