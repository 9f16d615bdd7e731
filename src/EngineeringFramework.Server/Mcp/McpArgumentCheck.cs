using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// Checks a tool call's arguments against the input schema the tool advertises before the tool runs, and answers a
/// mismatch with a tool error that names each offending argument and what is wrong with it ("version: required",
/// "organization_id: not a uuid"). Without it the SDK's binding fails first and the agent reads only "An error occurred
/// invoking 'update_checklist_item'.", with nothing to act on. The schema is the one <c>tools/list</c> gives the client,
/// so the rules an agent was shown are the rules it is held to; what a schema cannot say (an unknown id, a rule across
/// fields) is the use cases' to answer, through <see cref="McpErrors"/>.
/// </summary>
internal static class McpArgumentCheck
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, HashSet<string>> IntegerArguments = new(StringComparer.Ordinal);

    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        // "format" is checked, not only annotated: a uuid or a date that does not parse must be named here.
        RequireFormatValidation = true,
    };

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            if (context.Items.TryGetValue(UnreadableKey, out var unreadable) && unreadable is List<string> { Count: > 0 } found)
            {
                return InvalidArguments(context.Params?.Name, found);
            }

            if (context.Params is { } call
                && context.Server.ServerOptions.ToolCollection is { } tools
                && tools.TryGetPrimitive(call.Name, out var tool)
                && Problems(tool, call.Arguments) is { Count: > 0 } problems)
            {
                return InvalidArguments(call.Name, problems);
            }

            return await next(context, cancellationToken);
        };

    private static CallToolResult InvalidArguments(string? tool, List<string> problems) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = $"Invalid arguments for {tool}: {string.Join("; ", problems)}. Nothing was done; call it again with these arguments fixed." }],
    };

    /// <summary>
    /// A <c>tools/call</c> whose <c>arguments</c> is not an object (<c>[]</c>, <c>false</c>, a number) fails the SDK's own
    /// reading of the request, before <see cref="Filter"/> can look at it, and the agent got a JSON-RPC internal error
    /// (-32603, "An error occurred.") as if the server had broken. It is the caller's mistake: invalid params (-32602),
    /// saying what <c>arguments</c> must be.
    /// </summary>
    public static McpMessageHandler ArgumentsObjectFilter(McpMessageHandler next) =>
        (context, cancellationToken) =>
        {
            if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: JsonObject call }
                && call["arguments"] is { } arguments
                && arguments.GetValueKind() is not JsonValueKind.Object)
            {
                throw new ModelContextProtocol.McpProtocolException(
                    $"Invalid params: arguments must be an object of named arguments (\"organization_id\": ...), not {arguments.GetValueKind().ToString().ToLowerInvariant()}.",
                    ModelContextProtocol.McpErrorCode.InvalidParams);
            }

            if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: JsonObject withArguments }
                && withArguments["arguments"] is JsonObject named)
            {
                var unreadable = new List<string>();
                Unreadable(string.Empty, named, unreadable);
                if (unreadable.Count > 0)
                {
                    // The SDK cannot turn these arguments into .NET strings and would fail with an internal error
                    // (-32603) before any tool filter runs. They are set aside here, and Filter answers with a tool
                    // error naming them, as it does for every other argument that breaks the rules.
                    withArguments["arguments"] = new JsonObject();
                    context.Items[UnreadableKey] = unreadable;
                }
            }

            return next(context, cancellationToken);
        };

    private const string UnreadableKey = "EngineeringFramework.Mcp.UnreadableArguments";

    /// <summary>
    /// Each argument whose text is not Unicode: half a surrogate pair written as an escape (<c>"\ud800"</c>) is valid
    /// JSON syntax, but it stands for no character, and no .NET string or database column can hold it. An argument
    /// whose own name is such text cannot be named, so the message says where it is.
    /// </summary>
    private static void Unreadable(string path, JsonNode? node, List<string> problems)
    {
        switch (node)
        {
            case JsonObject members:
                List<KeyValuePair<string, JsonNode?>> read;
                try
                {
                    read = [.. members];
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                    problems.Add($"{(path.Length == 0 ? "an argument's name" : $"a name inside {path}")}: {NotUnicode}");
                    return;
                }

                foreach (var (name, value) in read)
                {
                    Unreadable(path.Length == 0 ? name : $"{path}.{name}", value, problems);
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    Unreadable($"{path}[{i}]", items[i], problems);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
                {
                    problems.Add($"{path}: {NotUnicode}");
                }

                break;
        }
    }

    private const string NotUnicode = "is not valid Unicode text: it holds half of a surrogate pair (such as \\ud800 without its partner), which stands for no character; send the text itself in UTF-8, or both halves of the pair";

    /// <summary>Each argument that breaks the tool's input schema, as "name: what is wrong"; empty when the call fits.</summary>
    internal static List<string> Problems(McpServerTool tool, IDictionary<string, JsonElement>? arguments)
    {
        var schema = Schemas.GetOrAdd(tool.ProtocolTool.Name, _ => JsonSchema.FromText(tool.ProtocolTool.InputSchema.GetRawText()));
        var integers = IntegerArguments.GetOrAdd(tool.ProtocolTool.Name, _ => Integers(tool.ProtocolTool.InputSchema));
        var instance = new JsonObject();
        var outOfRange = new List<string>();
        foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            instance[name] = JsonNode.Parse(value.GetRawText());
            OutOfRange(name, value, outOfRange);
            if (value.ValueKind == JsonValueKind.Number && integers.Contains(name) && !value.TryGetInt64(out _))
            {
                // JSON Schema's "integer" takes 1.0 and 1e30, which the binding to a .NET integer refuses with the
                // SDK's generic error; the range the schema gives (every integer argument declares one, a test sees
                // to it) covers the rest.
                outOfRange.Add($"{name}: {value.GetRawText()} is not a whole number the tool can take; write it in digits only, without a decimal point or exponent, within the argument's minimum and maximum");
            }
        }

        // JsonSchema.Net compares numbers as decimals and throws on one beyond (1e400), which the SDK answered with its
        // generic "An error occurred invoking": such a number is named here instead, and the schema is not asked; so is
        // text with a NUL in it.
        if (outOfRange.Count > 0)
        {
            return outOfRange;
        }

        var result = schema.Evaluate(instance, Options);
        if (result.IsValid)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var detail in result.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                problems.Add(Describe(detail.InstanceLocation.ToString(), keyword, message));
            }
        }

        // Every failing branch of a nullable type ("integer or null") reports; the same words once are enough.
        return [.. problems.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The names of the top-level arguments whose schema type is (or includes) "integer".</summary>
    private static HashSet<string> Integers(JsonElement schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("type", out var type)
                    && (type.ValueKind == JsonValueKind.String ? type.GetString() == "integer" : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "integer")))
                {
                    names.Add(property.Name);
                }
            }
        }

        return names;
    }

    private static void OutOfRange(string path, JsonElement value, List<string> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString()!.Contains('\0', StringComparison.Ordinal):
                // No argument means anything with a NUL in it, and PostgreSQL cannot even look such text up (22021).
                problems.Add($"{path}: contains a NUL character (U+0000), which no argument may contain");
                break;
            case JsonValueKind.Number when !decimal.TryParse(value.GetRawText(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _):
                problems.Add($"{path}: {value.GetRawText()} is out of range");
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    OutOfRange($"{path}[{index++}]", item, problems);
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    OutOfRange($"{path}.{member.Name}", member.Value, problems);
                }

                break;
        }
    }

    private static string Describe(string location, string keyword, string message)
    {
        var argument = location.TrimStart('/').Replace("/", ".", StringComparison.Ordinal);
        if (keyword == "required")
        {
            // JsonSchema.Net: "Required properties ["version"] are not present".
            var start = message.IndexOf('[', StringComparison.Ordinal);
            var end = message.IndexOf(']', StringComparison.Ordinal);
            var names = start >= 0 && end > start ? message[(start + 1)..end].Replace("\"", string.Empty, StringComparison.Ordinal) : message;
            return $"{names}: required, missing";
        }

        return argument.Length == 0 ? message : $"{argument}: {message}";
    }
}
