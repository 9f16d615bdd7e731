using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace EngineeringFramework.Server.Tests.Support;

/// <summary>
/// JSON values generated from a JSON Schema (an OpenAPI operation's body or parameter, an MCP tool's input schema):
/// mostly values the schema admits, so requests reach validation and the use cases, and with
/// <see cref="MutationPercent"/> a mutation at each node (another type, null, a huge or odd string, deep nesting, a
/// number out of range, a required property missing, an extra one). Values are JSON text, not objects, so a lone
/// surrogate (<c>"\ud800"</c>) or a NUL can be sent exactly as a client could send it.
/// </summary>
/// <param name="resolveRef">The schema a <c>$ref</c> points to.</param>
/// <param name="knownValues">Real values (ids of existing rows) for a string format such as <c>uuid</c>, or null.</param>
/// <param name="knownProperty">Real JSON values for a property by its name (<c>departmentId</c>, <c>organization_id</c>), or null.</param>
internal sealed class SchemaFuzz(Func<string, JsonElement?> resolveRef, Func<string, Gen<string>?> knownValues, Func<string, Gen<string>?> knownProperty)
{
    private const int MutationPercent = 12;
    private const int MaxDepth = 6;

    /// <summary>Strings a parser or a database may choke on: NUL, a lone surrogate, a zero-width joiner sequence, right-to-left override, SQL and markup.</summary>
    private static readonly string[] OddStrings =
    [
        "", " ", "\0", "a\0b", "\ud800", "x\udfffy", "\ud83d\udca9", "👩‍👩‍👧", "\u202e", "\uffff", "\ufeff", "'; DROP TABLE x; --", "<script>alert(1)</script>",
        "../../etc/passwd", "%00", "null", "true", "1e999", "-0", "{{org}}", "\t\r\n", "Ω≈ç√∫", "ﷺ", new string('é', 300),
    ];

    /// <summary>
    /// The real ids for a property named like one of <paramref name="ids"/>' keys, whatever its case and prefix
    /// (<c>lead_user_id</c> and <c>assigneeUserId</c> take <c>userId</c>'s), as JSON strings; null for any other property.
    /// </summary>
    public static Gen<string>? KnownIds(IReadOnlyDictionary<string, Guid[]> ids, string property)
    {
        var name = property.Replace("_", string.Empty, StringComparison.Ordinal);
        var key = ids.Keys.FirstOrDefault(k => name.EndsWith(k, StringComparison.OrdinalIgnoreCase));
        return key is null ? null : Gen.OneOf([.. ids[key].Select(g => Quote(g.ToString()))]);
    }

    public static Gen<string> Guid => Gen.Guid.Select(g => g.ToString());

    /// <summary>Strings of every flavour: short ASCII, any UTF-16 (lone surrogates included), odd ones, and huge ones.</summary>
    public static Gen<string> AnyString { get; } = Gen.Frequency(
        (6, Gen.String[Gen.Char.AlphaNumeric, 1, 20]),
        (2, Gen.String[0, 40]),
        (3, Gen.OneOf(OddStrings)),
        (1, Gen.Int[1_000, 100_000].Select(n => new string('x', n))));

    /// <summary>Numbers a typed reader must refuse or clamp: out of every integer range, fractional, exponent overflow.</summary>
    private static readonly string[] OddNumbers =
    [
        "0", "-1", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e400", "-1e400", "1.5", "1e-400", "0.0000001", "123456789012345678901234567890",
    ];

    public Gen<string> Value(JsonElement schema, int depth = 0)
    {
        var valid = Valid(schema, depth);
        return depth >= MaxDepth ? valid : Gen.Frequency((100 - MutationPercent, valid), (MutationPercent, Mutation(schema, depth)));
    }

    /// <summary>A value the schema admits (as far as formats and enums go; lengths are left to the server's validators).</summary>
    private Gen<string> Valid(JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Any(depth);
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return resolveRef(reference.GetString()!) is { } target && depth < MaxDepth ? Valid(target, depth + 1) : Any(depth);
        }

        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var options) && options.GetArrayLength() > 0)
            {
                return Gen.OneOf([.. options.EnumerateArray().Select(o => Valid(o, depth + 1))]);
            }
        }

        if (schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() > 0)
        {
            return Valid(all[0], depth + 1);
        }

        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return Gen.OneOf([.. values.EnumerateArray().Select(v => v.GetRawText())]);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Gen.Const(constant.GetRawText());
        }

        var types = Types(schema);
        if (types.Count == 0)
        {
            return schema.TryGetProperty("properties", out _) ? Object(schema, depth) : Any(depth);
        }

        return Gen.OneOf([.. types.Select(t => OfType(t, schema, depth))]);
    }

    private Gen<string> OfType(string type, JsonElement schema, int depth) => type switch
    {
        "string" => String(schema),
        "integer" => Gen.Frequency((8, Gen.Int[0, 1000].Select(Number)), (1, Gen.Long.Select(Number)), (1, Gen.OneOf(OddNumbers))),
        "number" => Gen.Frequency((8, Gen.Double[-1000, 1000].Select(d => d.ToString("R", CultureInfo.InvariantCulture))), (1, Gen.OneOf(OddNumbers))),
        "boolean" => Gen.OneOf("true", "false"),
        "null" => Gen.Const("null"),
        "array" => Array(schema.TryGetProperty("items", out var items) ? items : default, depth),
        "object" => Object(schema, depth),
        _ => Any(depth),
    };

    private Gen<string> String(JsonElement schema)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        Gen<string> text = format switch
        {
            "uuid" => Gen.Frequency((3, Guid), (1, Gen.Const("00000000-0000-0000-0000-000000000000")), (1, AnyString)),
            "date" => Gen.Frequency((4, Gen.Date[new DateTime(1, 1, 1), new DateTime(9999, 12, 31)].Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), (1, Gen.OneOf("2027-13-45", "0000-00-00", "2027-02-30", "soon")), (1, AnyString)),
            "date-time" => Gen.Frequency((4, Gen.DateTime.Select(d => d.ToString("O", CultureInfo.InvariantCulture))), (1, AnyString)),
            "uri" => Gen.Frequency((4, Gen.String[Gen.Char.AlphaNumeric, 1, 20].Select(s => $"https://example.com/{s}")), (1, Gen.OneOf("javascript:alert(1)", "file:///etc/passwd", "http://", "not a url")), (1, AnyString)),
            "email" => Gen.Frequency((4, Gen.String[Gen.Char.AlphaNumeric, 1, 20].Select(s => $"{s}@example.com")), (1, AnyString)),
            _ => AnyString,
        };
        return (knownValues(format ?? string.Empty) is { } known ? Gen.Frequency((2, known), (3, text)) : text).Select(Quote);
    }

    private Gen<string> Array(JsonElement items, int depth)
    {
        var item = items.ValueKind == JsonValueKind.Object ? Value(items, depth + 1) : Any(depth + 1);
        return Gen.Frequency((9, item.Array[0, 4]), (1, item.Array[100, 300])).Select(a => "[" + string.Join(",", a) + "]");
    }

    private Gen<string> Object(JsonElement schema, int depth)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
        var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToList() : [];
        var members = properties.Select(property =>
        {
            var generated = Value(property.Value, depth + 1);
            var value = (knownProperty(property.Name) is { } known ? Gen.Frequency((3, known), (1, generated)) : generated).Select(v => $"{Quote(property.Name)}:{v}");
            // A required property is there but for a mutation, which drops it now and then; an optional one half the time.
            return required.Contains(property.Name)
                ? Gen.Frequency((100 - MutationPercent, value), (MutationPercent, Gen.Const(string.Empty)))
                : Gen.Frequency((1, value), (1, Gen.Const(string.Empty)));
        }).ToList();
        var extra = Gen.Frequency((9, Gen.Const(string.Empty)), (1, Gen.Select(AnyString, Any(depth + 1), (name, value) => $"{Quote(name)}:{value}")));
        members.Add(extra);
        return Sequence(members).Select(parts => "{" + string.Join(",", parts.Where(part => part.Length > 0)) + "}");
    }

    /// <summary>Breaks what the schema says: another type, null, a huge or deeply nested value.</summary>
    private Gen<string> Mutation(JsonElement schema, int depth) => Gen.Frequency(
        (3, Any(depth)),
        (2, Gen.Const("null")),
        (1, AnyString.Select(Quote)),
        (1, Gen.OneOf(OddNumbers)),
        (1, Gen.Int[50, 5_000].Select(n => new string('[', n) + new string(']', n))),
        (1, Gen.Int[50, 5_000].Select(n => string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n))),
        (1, Valid(schema, MaxDepth).Select(v => "[" + v + "]")));

    /// <summary>Any JSON value at all.</summary>
    private static Gen<string> Any(int depth) => Gen.Frequency(
        (3, AnyString.Select(Quote)),
        (2, Gen.OneOf(OddNumbers)),
        (1, Gen.OneOf("true", "false", "null", "{}", "[]")),
        (depth < MaxDepth ? 1 : 0, Gen.String[Gen.Char.AlphaNumeric, 1, 8].Select(k => $"{{{Quote(k)}:[1,\"x\",null]}}")));

    private static List<string> Types(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
    }

    private static Gen<List<string>> Sequence(List<Gen<string>> gens)
        => gens.Aggregate(Gen.Const(new List<string>()), (acc, gen) => Gen.Select(acc, gen, (list, item) => new List<string>(list) { item }));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON string literal; everything outside printable ASCII is escaped, so lone surrogates survive as <c>\udXXX</c>.</summary>
    public static string Quote(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c is < ' ' or > '~')
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                json.Append(c);
            }
        }

        return json.Append('"').ToString();
    }
}

/// <summary>
/// How a fuzz run is seeded and how long it runs. The seed fixes the whole run, not only its first case: CsCheck's own
/// <c>Sample(seed:)</c> replays one case and then draws from a clock-seeded generator, and its shrinking re-sends requests
/// to a server whose data the earlier ones changed. So each case is drawn from one <see cref="PCG"/> stream seeded here,
/// and a failure names the seed that replays the run request for request.
/// </summary>
internal static class FuzzRun
{
    public const string SeedVariable = "EF_FUZZ_SEED";
    public const string IterationsVariable = "EF_FUZZ_ITERATIONS";

    public static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : 20261206UL;

    /// <summary>Cases per operation or tool; <c>EF_FUZZ_ITERATIONS</c> raises it for a longer hunt.</summary>
    public static int Iterations(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : byDefault;

    public static string Reproduce => $"{SeedVariable}={Seed} {IterationsVariable}={Environment.GetEnvironmentVariable(IterationsVariable) ?? "(default)"} database={Environment.GetEnvironmentVariable("EF_TEST_DATABASE") ?? "sqlite"}";

    /// <summary>What is wrong with an HTTP answer, or null: a 5xx, or a 4xx that is not an RFC 9457 problem document with its title and status.</summary>
    public static string? Problem(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "server error";
        }

        if (status < 400)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"4xx as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not application/problem+json";
        }

        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                && problem.TryGetProperty("status", out var statusMember) && statusMember.TryGetInt32(out var stated) && stated == status
                ? null
                : "problem document without a title or with another status";
        }
        catch (JsonException)
        {
            return "problem content type but not JSON";
        }
    }

    public static string Truncate(string? text, int length = 600)
        => text is null ? "(none)" : text.Length <= length ? text : text[..length] + $"… ({text.Length} chars)";
}

/// <summary>Failures of a fuzz run, one example per kind (operation or tool, and what went wrong), reported together at the end.</summary>
internal sealed class FuzzFailures
{
    private readonly Dictionary<string, (string Example, int Count)> kinds = new(StringComparer.Ordinal);

    public void Add(string kind, string example)
        => kinds[kind] = kinds.TryGetValue(kind, out var seen) ? (seen.Example, seen.Count + 1) : (example, 1);

    public void AssertNone()
    {
        if (kinds.Count == 0)
        {
            return;
        }

        var report = new System.Text.StringBuilder()
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{kinds.Count} kinds of failure; replay with {FuzzRun.Reproduce}");
        foreach (var (kind, (example, count)) in kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"- {kind} ({count}x), first:").AppendLine(example);
        }

        Assert.Fail(report.ToString());
    }
}
