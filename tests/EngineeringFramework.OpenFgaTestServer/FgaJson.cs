using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>Reads request bodies in OpenFGA's JSON shapes, answering 400 <c>validation_error</c> as OpenFGA does when a field is malformed.</summary>
internal static class FgaJson
{
    /// <summary>OpenFGA's limit on contextual tuples per query.</summary>
    public const int MaxContextualTuples = 100;

    private static readonly string[] Consistencies = ["UNSPECIFIED", "MINIMIZE_LATENCY", "HIGHER_CONSISTENCY"];

    public static async Task<JsonObject> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw FgaError.Validation("the request body must be a JSON object");
        }
        catch (JsonException)
        {
            throw FgaError.Validation("malformed JSON");
        }
    }

    public static string? OptionalString(JsonNode? node, string field) =>
        node?[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw FgaError.Validation($"invalid value for field '{field}': a string is required"),
        };

    public static string RequiredString(JsonNode? node, string field) =>
        OptionalString(node, field) is { Length: > 0 } text ? text : throw FgaError.Validation($"invalid request: '{field}' is required");

    public static TupleKey TupleKey(JsonNode? node, string field)
    {
        if (node is not JsonObject key)
        {
            throw FgaError.Validation($"invalid request: '{field}' is required");
        }

        if (key["condition"] is not null)
        {
            throw FgaError.Validation("relationship conditions are not supported by the OpenFGA test server");
        }

        return new TupleKey(RequiredString(key, "object"), RequiredString(key, "relation"), RequiredString(key, "user"));
    }

    public static List<TupleKey> TupleKeys(JsonNode? array, string field)
    {
        if (array is null)
        {
            return [];
        }

        if (array is not JsonArray items)
        {
            throw FgaError.Validation($"invalid value for field '{field}': an array is required");
        }

        return [.. items.Select(item => TupleKey(item, field))];
    }

    /// <summary>Check and list-objects wrap contextual tuples in <c>{"tuple_keys": [...]}</c>.</summary>
    public static List<TupleKey> ContextualTuples(JsonNode? wrapper) =>
        Limit(TupleKeys(wrapper?["tuple_keys"], "contextual_tuples.tuple_keys"));

    /// <summary>List-users takes them as a plain array.</summary>
    public static List<TupleKey> ContextualTupleArray(JsonNode? array) => Limit(TupleKeys(array, "contextual_tuples"));

    public static void RequireKnownConsistency(JsonObject body)
    {
        if (OptionalString(body, "consistency") is { } consistency && !Consistencies.Contains(consistency, StringComparer.Ordinal))
        {
            throw FgaError.Validation($"invalid value for enum field 'consistency': \"{consistency}\"");
        }
    }

    public static int PageSize(string? text, int fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 100
            ? size
            : throw FgaError.Validation("invalid page_size: value must be inside range [1, 100]");
    }

    public static int PageSize(JsonNode? node, int fallback) =>
        node switch
        {
            null => fallback,
            JsonValue value when value.TryGetValue<int>(out var size) => size is >= 1 and <= 100 ? size : throw FgaError.Validation("invalid page_size: value must be inside range [1, 100]"),
            _ => throw FgaError.Validation("invalid value for field 'page_size': an integer is required"),
        };

    public static JsonObject Key(TupleKey key) => new() { ["user"] = key.User, ["relation"] = key.Relation, ["object"] = key.Object };

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Continuation tokens are opaque to clients: base64 of the position to go on from.</summary>
    public static string Token(string position) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(position));

    public static string? Position(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new FgaError(400, "invalid_continuation_token", "Invalid continuation token");
        }
    }

    private static List<TupleKey> Limit(List<TupleKey> tuples) =>
        tuples.Count <= MaxContextualTuples ? tuples : throw FgaError.Validation($"invalid contextual_tuples: value must contain no more than {MaxContextualTuples} item(s)");
}
