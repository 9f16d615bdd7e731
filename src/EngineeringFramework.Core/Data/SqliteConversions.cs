using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EngineeringFramework.Core.Data;

/// <summary>
/// How SQLite keeps the value kinds the checklist read takes on every row (times, dates, string lists), read without the general-purpose
/// parsers. The stored text is exactly what EF Core and Microsoft.Data.Sqlite write on their own, so existing files
/// need no migration and SQL comparisons and ordering of the stored text are unchanged.
/// </summary>
/// <remarks>
/// Why: with 100 items a read converts 100 times, dates and string lists; Microsoft.Data.Sqlite parses every time with
/// <see cref="DateTime.Parse(string, IFormatProvider)"/> or <see cref="DateOnly.Parse(string, IFormatProvider)"/>, and EF Core's primitive-collection reader finds the list's
/// constructor by reflection on every row. Together that was about a tenth of a checklist request (bench/README.md).
/// </remarks>
internal static class SqliteConversions
{
    /// <summary>The text Microsoft.Data.Sqlite binds for a <see cref="DateTime"/> and EF Core's SQLite literals use.</summary>
    internal const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    /// <summary>Every time this product stores is UTC: written as UTC text, read back with <see cref="DateTimeKind.Utc"/>.</summary>
    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, string>(
        value => FormatDateTime(value),
        text => ParseDateTime(text));

    /// <summary>A date kept as <c>yyyy-MM-dd</c>, as Microsoft.Data.Sqlite binds it.</summary>
    internal sealed class DateOnlyConverter() : ValueConverter<DateOnly, string>(
        value => FormatDate(value),
        text => ParseDate(text));

    /// <summary>A list of strings kept as a JSON array, as EF Core's primitive collections keep it.</summary>
    internal sealed class StringListConverter() : ValueConverter<List<string>, string>(
        value => FormatList(value),
        text => ParseList(text));

    /// <summary>Lists compare by their elements, in order; the snapshot is a copy.</summary>
    internal sealed class StringListComparer() : ValueComparer<List<string>>(
        (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
        list => list.Aggregate(0, (hash, s) => HashCode.Combine(hash, StringComparer.Ordinal.GetHashCode(s))),
        list => list.ToList());

    internal static string FormatDateTime(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss</c> with an optional fraction of one to seven digits, read digit by digit; any other
    /// shape (a time written by hand, with a <c>T</c> or an offset) goes through <see cref="DateTime.Parse(string, IFormatProvider, DateTimeStyles)"/>
    /// as UTC.
    /// </summary>
    internal static DateTime ParseDateTime(string text)
    {
        if (TryParseStored(text, out var value))
        {
            return value;
        }

        return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    /// <summary>As <see cref="ParseDateTime(string)"/>, from UTF-8 text; a string is made only for the fallback.</summary>
    internal static DateTime ParseDateTime(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[27];
        return utf8.Length <= chars.Length && Ascii.ToUtf16(utf8, chars, out var length) == OperationStatus.Done && TryParseStored(chars[..length], out var value)
            ? value
            : ParseDateTime(Encoding.UTF8.GetString(utf8));
    }

    private static bool TryParseStored(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s.Length < 19 || s.Length == 20 || s.Length > 27 || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TryDatePart(s, out var year, out var month, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var ticks = 0;
        if (s.Length > 19)
        {
            if (s[19] != '.' || !Digits(s, 20, s.Length - 20, out ticks))
            {
                return false;
            }

            for (var i = s.Length - 20; i < 7; i++)
            {
                ticks *= 10;
            }
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    /// <summary>A real calendar date as <c>yyyy-MM-dd</c> at the start of <paramref name="s"/>.</summary>
    private static bool TryDatePart(ReadOnlySpan<char> s, out int year, out int month, out int day)
    {
        year = month = day = 0;
        return s.Length >= 10 && s[4] == '-' && s[7] == '-'
            && Digits(s, 0, 4, out year) && Digits(s, 5, 2, out month) && Digits(s, 8, 2, out day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        foreach (var c in s.Slice(start, count))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    internal static string FormatDate(DateOnly value) => value.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-dd</c> read digit by digit; any other shape goes through <see cref="DateOnly.Parse(string, IFormatProvider)"/>.</summary>
    internal static DateOnly ParseDate(string text)
    {
        var s = text.AsSpan();
        if (s.Length == 10 && TryDatePart(s, out var year, out var month, out var day))
        {
            return new DateOnly(year, month, day);
        }

        return DateOnly.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>As <see cref="ParseDate(string)"/>, from UTF-8 text; a string is made only for the fallback.</summary>
    internal static DateOnly ParseDate(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[10];
        return utf8.Length == chars.Length && Ascii.ToUtf16(utf8, chars, out _) == OperationStatus.Done && TryDatePart(chars, out var year, out var month, out var day)
            ? new DateOnly(year, month, day)
            : ParseDate(Encoding.UTF8.GetString(utf8));
    }

    internal static string FormatList(List<string> value) =>
        value.Count == 0 ? "[]" : JsonSerializer.Serialize(value, SqliteJson.Default.ListString);

    internal static List<string> ParseList(string text) =>
        text == "[]" ? [] : JsonSerializer.Deserialize(text, SqliteJson.Default.ListString) ?? [];
}

[JsonSerializable(typeof(List<string>))]
internal sealed partial class SqliteJson : JsonSerializerContext;
