using System.Globalization;
using System.Text;
using EngineeringFramework.Core.Data;
using Microsoft.Data.Sqlite;

namespace EngineeringFramework.Core.Tests.Data;

/// <summary>
/// The SQLite conversions must keep exactly the text Microsoft.Data.Sqlite and EF Core write on their own (files
/// made before them are read unchanged, and SQL compares and orders the same text), and read it back to the same value.
/// </summary>
public sealed class SqliteConversionsTests
{
    /// <summary>The text Microsoft.Data.Sqlite stores when <paramref name="value"/> is bound as a parameter.</summary>
    private static string BoundText(object value)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT @value";
        command.Parameters.AddWithValue("@value", value);
        return (string)command.ExecuteScalar()!;
    }

    public static TheoryData<DateTime> Times =>
    [
        new DateTime(2026, 12, 1, 7, 31, 43, DateTimeKind.Utc),
        new DateTime(2026, 12, 1, 7, 31, 43, DateTimeKind.Utc).AddTicks(1),
        new DateTime(2026, 12, 1, 7, 31, 43, DateTimeKind.Utc).AddTicks(1_200_000),
        new DateTime(2024, 2, 29, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void A_time_is_written_as_the_text_Microsoft_Data_Sqlite_binds(DateTime value)
    {
        Assert.Equal(BoundText(value), SqliteConversions.FormatDateTime(value));
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void A_time_reads_back_to_the_same_instant_in_utc(DateTime value)
    {
        var read = SqliteConversions.ParseDateTime(SqliteConversions.FormatDateTime(value));

        Assert.Equal(value.Ticks, read.Ticks);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Fact]
    public void A_local_time_is_stored_as_utc()
    {
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);

        Assert.Equal(local.ToUniversalTime().Ticks, SqliteConversions.ParseDateTime(SqliteConversions.FormatDateTime(local)).Ticks);
    }

    [Theory]
    [InlineData("2026-12-01 07:31:43")]
    [InlineData("2026-12-01 07:31:43.5")]
    [InlineData("2026-12-01 07:31:43.05")]
    [InlineData("2026-12-01 07:31:43.1234567")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.9999999")]
    public void Stored_text_reads_as_the_general_parser_reads_it(string text)
    {
        var expected = DateTime.Parse(text, CultureInfo.InvariantCulture);

        var read = SqliteConversions.ParseDateTime(text);

        Assert.Equal(expected.Ticks, read.Ticks);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Theory]
    [InlineData("2026-12-01T07:31:43Z", "2026-12-01 07:31:43")]
    [InlineData("2026-12-01T09:31:43+02:00", "2026-12-01 07:31:43")]
    [InlineData("2026-12-01 07:31", "2026-12-01 07:31:00")]
    [InlineData("2026-12-01", "2026-12-01 00:00:00")]
    [InlineData("2026-12-01 07:31:43.", "2026-12-01 07:31:43")]
    public void Other_shapes_fall_back_to_the_general_parser_as_utc(string text, string expectedUtc)
    {
        var read = SqliteConversions.ParseDateTime(text);

        Assert.Equal(DateTimeKind.Utc, read.Kind);
        Assert.Equal(DateTime.ParseExact(expectedUtc, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).Ticks, read.Ticks);
    }

    [Theory]
    [InlineData("2026-13-01 07:31:43")]
    [InlineData("2026-02-30 07:31:43")]
    [InlineData("2026-12-01 24:00:00")]
    [InlineData("not a time")]
    public void Impossible_times_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => SqliteConversions.ParseDateTime(text));
    }

    [Theory]
    [InlineData(2026, 12, 1)]
    [InlineData(2024, 2, 29)]
    [InlineData(1, 1, 1)]
    [InlineData(9999, 12, 31)]
    public void A_date_is_written_as_Microsoft_Data_Sqlite_binds_it_and_reads_back(int year, int month, int day)
    {
        var value = new DateOnly(year, month, day);
        var text = SqliteConversions.FormatDate(value);

        Assert.Equal(BoundText(value), text);
        Assert.Equal(value, SqliteConversions.ParseDate(text));
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2026-00-10")]
    [InlineData("someday")]
    public void Impossible_dates_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => SqliteConversions.ParseDate(text));
    }

    [Theory]
    [InlineData("2026-12-01 07:31:43.1234567")]
    [InlineData("2026-12-01 07:31:43")]
    [InlineData("2026-12-01T09:31:43+02:00")]
    [InlineData("2026-12-01 07:31:43.")]
    [InlineData("2026-12-01")]
    [InlineData("2026-02-30 07:31:43")]
    [InlineData("2026-12-01 07:31:4\uFF13")]
    [InlineData("a time far longer than any stored time could ever be")]
    [InlineData("")]
    public void Utf8_text_reads_exactly_as_the_same_string(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);

        Assert.Equal(Outcome(() => SqliteConversions.ParseDateTime(text)), Outcome(() => SqliteConversions.ParseDateTime(utf8)));
        Assert.Equal(Outcome(() => SqliteConversions.ParseDate(text)), Outcome(() => SqliteConversions.ParseDate(utf8)));
    }

    /// <summary>The value with its kind, or the exception type: what a caller could observe.</summary>
    private static string Outcome<T>(Func<T> parse)
    {
        try
        {
            var value = parse();
            return value is DateTime time ? $"{time.Ticks} {time.Kind}" : $"{value}";
        }
        catch (FormatException e)
        {
            return e.GetType().Name;
        }
    }

    public static TheoryData<string[]> Lists => new(
        [],
        ["https://example.com/a"],
        ["https://example.com/a?b=1&c=2", "http://example.org/\"quoted\"/é/✓"]);

    [Theory]
    [MemberData(nameof(Lists))]
    public void A_list_reads_back_to_the_same_strings_in_order(string[] links)
    {
        var text = SqliteConversions.FormatList([.. links]);

        Assert.Equal(links, SqliteConversions.ParseList(text));
    }

    [Fact]
    public void Lists_written_by_ef_cores_primitive_collections_are_read()
    {
        // EF Core escapes HTML-sensitive and non-ASCII characters in the JSON it keeps.
        var read = SqliteConversions.ParseList("[\"https://example.com/a?b=1\\u0026c=2\",\"http://example.org/\\u00E9\"]");

        Assert.Equal(["https://example.com/a?b=1&c=2", "http://example.org/é"], read);
    }

    [Fact]
    public void List_comparer_sees_changed_elements_and_snapshots_a_copy()
    {
        var comparer = new SqliteConversions.StringListComparer();
        List<string> original = ["a", "b"];
        var snapshot = comparer.Snapshot(original);

        original[1] = "c";

        Assert.NotSame(original, snapshot);
        Assert.False(comparer.Equals(original, snapshot));
        Assert.True(comparer.Equals(["a", "b"], snapshot));
    }
}
