using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Mcp;

/// <summary>
/// Every MCP tool, called with arguments generated from the input schema it advertises and mutated (wrong types, missing
/// and extra arguments, nulls, huge and odd strings, deep nesting, numbers out of range). The calls go over plain HTTP
/// as JSON-RPC, so the arguments reach the server byte for byte (a lone surrogate included). Whatever arrives: no 5xx,
/// no JSON-RPC error, and every tool error says what is wrong, naming the argument or the thing not found. Seeded like
/// the API fuzz (<see cref="FuzzRun"/>).
/// </summary>
public sealed partial class McpFuzzTests : IAsyncLifetime
{
    /// <summary>Words of a tool error about the thing an argument pointed at, rather than the argument itself (McpErrors).</summary>
    private static readonly string[] DomainErrors = ["not found", "Not allowed", "Conflict", "Stale version"];

    private TestApp app = null!;
    private OrgUser ada = null!;
    private string token = null!;
    private readonly Dictionary<string, Guid[]> ids = new(StringComparer.Ordinal);
    private long requestId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "1000000" });
        ada = await app.OnboardAsync("fuzz-ada", "Acme");
        var eve = await app.OnboardAsync("fuzz-eve", "Evil");
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(ada.UserId, Surface.Api), ada.OrgId, new GrantMcpAccessRequest(ada.UserId), Cancel);
        }

        token = app.MintToken("fuzz-ada", "fuzz-ada@example.com", app.App.Services.GetRequiredService<Audiences>().Mcp);
        var department = await ada.CreateDepartmentAsync("Platform");
        var project = await ada.CreateProjectAsync(department, "Payments");
        var items = await ada.ItemsAsync(project);
        ids["organizationId"] = [ada.OrgId, ada.OrgId, ada.OrgId, eve.OrgId];
        ids["departmentId"] = [department, await eve.CreateDepartmentAsync("Evil platform")];
        ids["projectId"] = [project];
        ids["itemId"] = [.. items.Take(3).Select(i => i.GetProperty("id").GetGuid())];
        ids["userId"] = [ada.UserId];
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Every_tool_answers_generated_and_mutated_arguments_without_an_internal_error_and_names_what_is_wrong()
    {
        var (_, listed) = await CallAsync("tools/list", "{}");
        var tools = listed!.Value.GetProperty("result").GetProperty("tools").EnumerateArray()
            .Select(t => (Name: t.GetProperty("name").GetString()!, Schema: t.GetProperty("inputSchema").Clone()))
            .ToList();
        var iterations = FuzzRun.Iterations(30);
        var pcg = new PCG(2, FuzzRun.Seed);
        var failures = new FuzzFailures();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);

        foreach (var (name, schema) in tools)
        {
            var defs = schema.TryGetProperty("$defs", out var d) ? d : default;
            var fuzz = new SchemaFuzz(
                reference => defs.ValueKind == JsonValueKind.Object && defs.TryGetProperty(reference.Split('/')[^1], out var target) ? target : null,
                format => format == "uuid" ? Gen.OneOf([.. ids.Values.SelectMany(v => v).Select(g => g.ToString())]) : null,
                property => SchemaFuzz.KnownIds(ids, property));
            var arguments = Gen.Frequency((20, fuzz.Value(schema)), (1, Gen.OneOf("{}", "null", "[]", "\"x\"", "{\"organization_id\":{\"$ref\":\"#\"}}")));
            var argumentNames = schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name).ToList() : [];

            for (var i = 0; i < iterations; i++)
            {
                var caseSeed = pcg.ToString();
                var generated = arguments.Generate(pcg, null, out _);
                var (response, answer) = await CallAsync("tools/call", $"{{\"name\":{SchemaFuzz.Quote(name)},\"arguments\":{generated}}}");
                var request = $"case {caseSeed}\n  {name} {FuzzRun.Truncate(generated, 800)}";
                var (outcome, problem) = Judge(response, answer, argumentNames);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (problem is not null)
                {
                    failures.Add($"{name}: {problem}", $"{request}\n  -> {(int)response.StatusCode} {FuzzRun.Truncate(answer?.GetRawText() ?? response.ReasonPhrase, 1500)}");
                }

                response.Dispose();
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{tools.Count} tools x {iterations} = {tools.Count * iterations} calls; {string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}"))}");
        Assert.True(tools.Count >= 10, $"Only {tools.Count} tools were listed.");
        failures.AssertNone();
    }

    public static TheoryData<string, string> NotUnicode => new()
    {
        // arguments (JSON as sent, escapes and all; {org} is filled in), the argument the error must name
        { """{"organization_id":"{org}","name":"half \ud800 a pair"}""", "name: is not valid Unicode text" },
        { """{"organization_id":"\udc00"}""", "organization_id: is not valid Unicode text" },
        { """{"organization_id":"{org}","tags":["fine","\ud83d"]}""", "tags[1]: is not valid Unicode text" },
        { """{"organization_id":"{org}","odd \udfff name":1}""", "an argument's name: is not valid Unicode text" },
    };

    /// <summary>
    /// Half a surrogate pair written as a JSON escape is valid JSON but no text: the SDK cannot read it into a .NET string
    /// and answered with an internal error (-32603) before any filter ran. A well-formed pair must still pass.
    /// </summary>
    [Theory]
    [MemberData(nameof(NotUnicode))]
    public async Task Half_a_surrogate_pair_is_named_in_a_tool_error_and_a_whole_pair_is_text(string arguments, string expected)
    {
        var (response, answer) = await CallAsync("tools/call", $"{{\"name\":\"list_departments\",\"arguments\":{arguments.Replace("{org}", ada.OrgId.ToString(), StringComparison.Ordinal)}}}");
        response.Dispose();

        var result = answer!.Value.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains(expected, result.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        var (whole, paired) = await CallAsync("tools/call", $"{{\"name\":\"search_framework\",\"arguments\":{{\"organization_id\":\"{ada.OrgId}\",\"query\":\"rocket \\ud83d\\ude80\"}}}}");
        whole.Dispose();
        Assert.False(paired!.Value.GetProperty("result").TryGetProperty("isError", out var failed) && failed.GetBoolean(), paired.Value.GetRawText());
    }

    /// <summary>
    /// JSON Schema's "integer" has no bounds, and a .NET int or long does: every integer argument states its minimum and
    /// maximum, so an agent sees the rule and <see cref="Server.Mcp.McpArgumentCheck"/> names a number beyond it.
    /// </summary>
    [Fact]
    public async Task Every_integer_argument_advertises_its_range()
    {
        var (response, listed) = await CallAsync("tools/list", "{}");
        response.Dispose();
        var integers = 0;
        foreach (var tool in listed!.Value.GetProperty("result").GetProperty("tools").EnumerateArray())
        {
            foreach (var property in tool.GetProperty("inputSchema").GetProperty("properties").EnumerateObject())
            {
                if (property.Value.TryGetProperty("type", out var type) && type.GetRawText().Contains("\"integer\"", StringComparison.Ordinal))
                {
                    integers++;
                    var where = $"{tool.GetProperty("name").GetString()}.{property.Name}";
                    Assert.True(property.Value.TryGetProperty("minimum", out var minimum) && minimum.ValueKind == JsonValueKind.Number, $"{where} has no numeric minimum");
                    Assert.True(property.Value.TryGetProperty("maximum", out var maximum) && maximum.ValueKind == JsonValueKind.Number, $"{where} has no numeric maximum");
                }
            }
        }

        Assert.True(integers >= 2, $"Only {integers} integer arguments were found.");
    }

    /// <summary>The call's outcome for the summary, and what is wrong with it, or null.</summary>
    private static (string Outcome, string? Problem) Judge(HttpResponseMessage response, JsonElement? answer, List<string> argumentNames)
    {
        var status = (int)response.StatusCode;
        if (status >= 400 || answer is null)
        {
            return ($"HTTP {status}", status >= 500 ? "server error" : answer is null && status < 400 ? "no JSON-RPC answer" : null);
        }

        if (answer.Value.TryGetProperty("error", out var error))
        {
            // Arguments that are not an object at all are invalid params (-32602), saying so; anything else is the server failing.
            var code = error.GetProperty("code").GetInt32();
            var explained = code == -32602 && error.GetProperty("message").GetString()!.Contains("arguments", StringComparison.Ordinal);
            return ($"JSON-RPC {code}", explained ? null : "JSON-RPC error instead of a tool result");
        }

        var result = answer.Value.GetProperty("result");
        if (!(result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True))
        {
            return ("result", null);
        }

        var text = string.Join(" ", result.GetProperty("content").EnumerateArray().Where(c => c.TryGetProperty("text", out _)).Select(c => c.GetProperty("text").GetString()));
        // The SDK puts "An error occurred invoking 'tool': " before a tool's own message; alone, it is an exception nobody explained.
        if (GenericError().IsMatch(text))
        {
            return ("tool error", "the SDK's generic error, which names nothing");
        }

        // The argument check (McpArgumentCheck) names each offending argument as sent, known to the schema or not.
        var named = text.StartsWith("Invalid arguments for ", StringComparison.Ordinal)
            || argumentNames.Any(a => text.Contains(a, StringComparison.Ordinal)) || DomainErrors.Any(e => text.Contains(e, StringComparison.OrdinalIgnoreCase));
        return ("tool error", named ? null : "the error names no argument and nothing not found");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^An error occurred invoking '[a-z_]+'\.?$")]
    private static partial System.Text.RegularExpressions.Regex GenericError();

    /// <summary>One JSON-RPC request as an agent's client sends it (stateless server: no session to open first).</summary>
    private async Task<(HttpResponseMessage Response, JsonElement? Answer)> CallAsync(string method, string parameters)
    {
        var id = ++requestId;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{parameters}}}")),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await app.Client.SendAsync(request, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        // Streamable HTTP answers as server-sent events: the JSON-RPC message is the data of the one event.
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? string.Concat(body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()))
            : body;
        try
        {
            return (response, json.Length == 0 ? null : JsonDocument.Parse(json).RootElement.Clone());
        }
        catch (JsonException)
        {
            return (response, null);
        }
    }
}
