using System.Buffers.Text;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace EngineeringFramework.Core.Checklists;

/// <summary>
/// On SQLite, the changing state of a checklist's items comes back as one value that SQLite builds itself: each row as
/// a JSON array (<c>json_array</c>), the rows joined by spaces (<c>group_concat</c>), handed over as UTF-8 bytes
/// (<c>CAST … AS BLOB</c>). <see cref="Parse"/> reads it back into <see cref="ChecklistReader.ItemState"/>s.
/// </summary>
/// <remarks>
/// Why: Microsoft.Data.Sqlite reads each column of each row through several native calls (type, value, length), each
/// marshalling the statement's safe handle; for 100 rows of 10 columns that was about a fifth of a checklist request,
/// mostly in <see cref="System.Runtime.InteropServices.SafeHandle.DangerousAddRef"/> and its release. One value per read
/// replaces those thousands of calls with a handful, and SQLite's own JSON writer and
/// <see cref="Utf8JsonReader"/> are both cheap. Still every value, from the database, on every read; the tenant query
/// filter applies to the aggregated rows as to any other query. PostgreSQL keeps reading plain columns: Npgsql parses its
/// wire protocol in managed code, so there is no per-cell cost to save.
/// <para>
/// The values are the stored ones, in the stored text (the shapes <see cref="SqliteConversions"/> writes), so they are
/// parsed with the same readers as a plain column read; the evidence links go through <c>json()</c> so they arrive as a
/// JSON array rather than as a string holding one.
/// </para>
/// </remarks>
internal static class SqliteItemStates
{
    private static readonly StringTypeMapping TextMapping = new("TEXT", System.Data.DbType.String);
    private static readonly ByteArrayTypeMapping BlobMapping = new("BLOB");

    private static readonly (byte[] Name, ChecklistItemStatus Value)[] Statuses =
        [.. Enum.GetValues<ChecklistItemStatus>().Select(s => (Encoding.UTF8.GetBytes(s.ToString()), s))];

    /// <summary>One item's state as a JSON array, in the order <see cref="Parse"/> reads it. SQL only: EF Core translates it.</summary>
    public static string Row(
        Guid id,
        ChecklistItemStatus status,
        string? notApplicableReason,
        string? notes,
        Guid? assigneeUserId,
        DateOnly? dueDate,
        List<string> evidenceLinks,
        DateTime updatedAt,
        Guid? updatedByUserId,
        long version,
        DateTime? definitionChangedAt,
        ChecklistItemStatus? awaitingStatus,
        DateTime? completedAt,
        DateTime? reviewedAt,
        int? reviewIntervalDays,
        DateTime? evidenceChangedAt)
        => throw new NotSupportedException("Only for queries: SQLite evaluates it.");

    /// <summary>The text as its UTF-8 bytes, without a copy into a .NET string and back. SQL only: EF Core translates it.</summary>
    public static byte[] Utf8(string text) => throw new NotSupportedException("Only for queries: SQLite evaluates it.");

    /// <summary>Teaches the SQLite model the two functions above.</summary>
    public static void Register(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDbFunction(typeof(SqliteItemStates).GetMethod(nameof(Row))!).HasTranslation(arguments =>
        {
            var values = arguments.ToList();
            values[6] = new SqlFunctionExpression("json", [values[6]], nullable: true, argumentsPropagateNullability: [true], typeof(string), TextMapping);
            return new SqlFunctionExpression("json_array", values, nullable: false, argumentsPropagateNullability: values.Select(_ => false), typeof(string), TextMapping);
        });
        modelBuilder.HasDbFunction(typeof(SqliteItemStates).GetMethod(nameof(Utf8))!).HasTranslation(arguments =>
            new SqlUnaryExpression(ExpressionType.Convert, arguments[0], typeof(byte[]), BlobMapping));
    }

    /// <summary>The states in <paramref name="rows"/> (whitespace-separated JSON arrays); none for null or empty.</summary>
    /// <exception cref="InvalidOperationException">The value is not in the shape <see cref="Row"/> writes.</exception>
    public static List<ChecklistReader.ItemState> Parse(ReadOnlySpan<byte> rows)
    {
        var states = new List<ChecklistReader.ItemState>();
        var reader = new Utf8JsonReader(rows, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            Expect(ref reader, JsonTokenType.StartArray);
            var id = Id(ref reader) ?? throw Malformed();
            var status = Status(ref reader);
            var reason = Text(ref reader);
            var notes = Text(ref reader);
            var assignee = Id(ref reader);
            var due = Date(ref reader);
            var links = Links(ref reader);
            var updatedAt = Time(ref reader);
            var updatedBy = Id(ref reader);
            Next(ref reader);
            Expect(ref reader, JsonTokenType.Number);
            var version = reader.GetInt64();
            var definitionChangedAt = OptionalTime(ref reader);
            var awaitingStatus = OptionalStatus(ref reader);
            var completedAt = OptionalTime(ref reader);
            var reviewedAt = OptionalTime(ref reader);
            Next(ref reader);
            int? reviewIntervalDays = reader.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.Number when reader.TryGetInt32(out var days) => days,
                _ => throw Malformed(),
            };
            var evidenceChangedAt = OptionalTime(ref reader);
            Next(ref reader);
            Expect(ref reader, JsonTokenType.EndArray);
            states.Add(new ChecklistReader.ItemState(id, status, reason, notes, assignee, due, links, updatedAt, updatedBy, version, definitionChangedAt, awaitingStatus, completedAt, reviewedAt, reviewIntervalDays, evidenceChangedAt));
        }

        return states;
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Malformed();
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw Malformed();
        }
    }

    private static Guid? Id(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        // A GUID's text never needs escaping, so the raw bytes are the value.
        Expect(ref reader, JsonTokenType.String);
        var text = reader.ValueSpan;
        return !reader.ValueIsEscaped && Utf8Parser.TryParse(text, out Guid value, out var used, 'D') && used == text.Length ? value : throw Malformed();
    }

    private static ChecklistItemStatus? OptionalStatus(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.Null ? null : StatusValue(ref reader);
    }

    private static ChecklistItemStatus Status(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return StatusValue(ref reader);
    }

    private static ChecklistItemStatus StatusValue(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        foreach (var (name, value) in Statuses)
        {
            if (reader.ValueTextEquals(name))
            {
                return value;
            }
        }

        throw Malformed();
    }

    private static string? Text(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => throw Malformed(),
        };
    }

    // Dates and times are parsed from the bytes as they stand (stored text never needs escaping; if it ever did, the
    // unescaped string is parsed instead), so no string is made for them.
    private static DateOnly? Date(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.String);
        return reader.ValueIsEscaped ? SqliteConversions.ParseDate(reader.GetString()!) : SqliteConversions.ParseDate(reader.ValueSpan);
    }

    private static DateTime Time(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return TimeValue(ref reader);
    }

    private static DateTime? OptionalTime(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.Null ? null : TimeValue(ref reader);
    }

    private static DateTime TimeValue(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        return reader.ValueIsEscaped ? SqliteConversions.ParseDateTime(reader.GetString()!) : SqliteConversions.ParseDateTime(reader.ValueSpan);
    }

    private static List<string> Links(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        var links = new List<string>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return links;
            }

            Expect(ref reader, JsonTokenType.String);
            links.Add(reader.GetString()!);
        }
    }

    private static InvalidOperationException Malformed() => new("The checklist item states read from SQLite are not in the shape the query writes.");
}
