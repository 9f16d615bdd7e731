using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace EngineeringFramework.Authz.Tests.Remote;

/// <summary>
/// OpenFGA's published API description (swagger 2.0) as JSON schemas: the body schema of each operation's request
/// and of each documented response status, with every <c>$ref</c> resolved against its definitions.
/// </summary>
/// <remarks>
/// Three adjustments, each because the published description and the real server differ or the check should be
/// stricter than the description:
/// an object that lists its properties accepts no others (so a misspelt field fails instead of passing unseen);
/// a property set to <c>null</c> counts as absent (OpenFGA's gateway writes unset messages as null, e.g. a type's
/// <c>"metadata": null</c>), so it passes when optional and fails when required;
/// a 401 body's code is one of <c>AuthErrorCode</c> (the description points it at <c>ErrorCode</c>, which has no
/// <c>unauthenticated</c>, the code OpenFGA sends).
/// </remarks>
internal sealed class OpenFgaApiDescription
{
    private readonly JsonObject document;
    private readonly JsonObject definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new(StringComparer.Ordinal);

    public OpenFgaApiDescription(string path)
    {
        document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        definitions = (JsonObject)document["definitions"]!.DeepClone();
        foreach (var (_, definition) in definitions)
        {
            Tighten(definition);
        }

        definitions["UnauthenticatedResponse"]!["properties"]!["code"] = new JsonObject { ["$ref"] = "#/definitions/AuthErrorCode" };
    }

    /// <summary>The description's path template for a concrete path, e.g. <c>/stores/{store_id}/check</c>.</summary>
    public string Template(string path)
    {
        var matches = document["paths"]!.AsObject()
            .Select(p => p.Key)
            .Where(template => Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(template), @"\\\{[a-z_]+}", "[^/]+") + "$"))
            .ToList();
        return Assert.Single(matches);
    }

    /// <summary>Problems of a request body; empty when it fits the operation's body parameter.</summary>
    public IReadOnlyList<string> CheckRequest(string method, string path, JsonNode? body)
    {
        var template = Template(path);
        var operation = Operation(method, template);
        var parameter = (operation["parameters"] as JsonArray ?? []).FirstOrDefault(p => (string?)p!["in"] == "body");
        if (parameter is null)
        {
            return body is null ? [] : [$"{method} {template} takes no body, but one was sent"];
        }

        return Evaluate($"{method} {template} request", parameter["schema"]!, body);
    }

    /// <summary>Problems of a response; empty when its status is documented and its body fits that status's schema.</summary>
    public IReadOnlyList<string> CheckResponse(string method, string path, int status, JsonNode? body)
    {
        var template = Template(path);
        var response = Operation(method, template)["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (response is null)
        {
            return [$"{method} {template} answered {status}, a status the description does not list"];
        }

        return response["schema"] is { } schema ? Evaluate($"{method} {template} {status}", schema, body) : [];
    }

    private JsonObject Operation(string method, string template) =>
        document["paths"]![template]![method.ToLowerInvariant()] as JsonObject
        ?? throw new InvalidOperationException($"the description has no {method} {template}");

    private List<string> Evaluate(string what, JsonNode schema, JsonNode? body)
    {
        var compiled = schemas.GetOrAdd(what, _ =>
        {
            var root = (JsonObject)schema.DeepClone();
            Tighten(root);
            root["definitions"] = definitions.DeepClone();
            root["$id"] = "https://openfga.example/" + Guid.NewGuid().ToString("N");
            return JsonSchema.FromText(root.ToJsonString());
        });

        var result = compiled.Evaluate(WithoutNulls(body), new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft7 });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{what}: {d.InstanceLocation} {e.Key}: {e.Value}"))];
    }

    private static JsonNode? WithoutNulls(JsonNode? node) =>
        node switch
        {
            JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(WithoutNulls)]),
            _ => node?.DeepClone(),
        };

    // Closes objects that list their properties (see the remarks).
    private static void Tighten(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            schema.TryAdd("additionalProperties", false);
            foreach (var (_, property) in properties)
            {
                Tighten(property);
            }
        }

        Tighten(schema["items"]);
        if (schema["additionalProperties"] is JsonObject values)
        {
            Tighten(values);
        }
    }
}
