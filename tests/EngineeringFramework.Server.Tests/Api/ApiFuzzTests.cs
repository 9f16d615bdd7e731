using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsCheck;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// Every operation of the OpenAPI document, fuzzed from its own schema: path ids of real rows and of nothing, malformed
/// and odd path segments, query values and bodies generated from the parameter and body schemas with mutations, wrong
/// content types, and a few callers who are not the organization's admin. Whatever arrives, the server answers below 500
/// and every 4xx is an RFC 9457 problem document. Seeded (<see cref="FuzzRun"/>): a failure names the seed that replays it.
/// </summary>
public sealed class ApiFuzzTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>Path segments a router, a GUID parser, a URL decoder or a database may choke on.</summary>
    private static readonly string[] OddSegments =
    [
        "00000000-0000-0000-0000-000000000000", "not-a-guid", "-1", "0", "99999999999999999999", "%ED%A0%80", "%00", "a%00b", "%F0%9F%92%A9",
        "%C3%A9t%C3%A9", "..", "%2E%2E", "%2F", "%5C", "%25", "%20", "%7B%7D", "null", "{00000000-0000-0000-0000-000000000000}", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
    ];

    private TestApp app = null!;
    private OrgUser ada = null!;
    private OrgUser mallory = null!;
    private OrgUser eve = null!;
    private HttpClient root = null!;
    private HttpClient forged = null!;
    private readonly Dictionary<string, Guid[]> ids = new(StringComparer.Ordinal);
    private long itemVersion;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // Thousands of requests in a minute: the rate limit would answer most of them with 429 and nothing would be fuzzed.
        app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "1000000" });
        ada = await app.OnboardAsync("fuzz-ada", "Acme");
        mallory = await app.AddMemberAsync(ada.OrgId, "fuzz-mallory");
        eve = await app.OnboardAsync("fuzz-eve", "Evil");
        var rootUser = await app.OnboardAsync("fuzz-root", "Root");
        root = rootUser.Client;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            await new SuperAdmins(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<RelationshipWriter>()).GrantAsync("fuzz-root@example.com", Cancel);
        }

        forged = app.ClientWithToken("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        var department = await ada.CreateDepartmentAsync("Platform");
        var project = await ada.CreateProjectAsync(department, "Payments");
        var items = await ada.ItemsAsync(project);
        itemVersion = items[0].GetProperty("version").GetInt64();
        var invitation = await ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/invitations", new { email = "invitee@example.com" }, Cancel);
        var role = await ada.Client.PostAsJsonAsync($"{ApiTestKit.OrgPath(ada.OrgId)}/role-templates", new { name = "Reviewer", permissions = new[] { "update_checklists" } }, Cancel);

        ids["departmentId"] = [department, await eve.CreateDepartmentAsync("Evil platform")];
        ids["projectId"] = [project];
        ids["itemId"] = [.. items.Take(3).Select(i => i.GetProperty("id").GetGuid())];
        ids["invitationId"] = [(await invitation.ReadJsonAsync()).GetProperty("id").GetGuid()];
        ids["roleTemplateId"] = [(await role.ReadJsonAsync()).GetProperty("id").GetGuid()];
        // Mostly the plain member: fuzzing Ada's own membership away would leave nobody to fuzz as.
        ids["userId"] = [mallory.UserId, mallory.UserId, mallory.UserId, ada.UserId];
    }

    public async ValueTask DisposeAsync()
    {
        root.Dispose();
        forged.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Every_operation_answers_generated_and_mutated_requests_below_500_and_every_4xx_with_a_problem_document()
    {
        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancel);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var fuzz = new SchemaFuzz(
            reference => schemas.TryGetProperty(reference.Split('/')[^1], out var target) ? target : null,
            format => format == "uuid" ? Gen.OneOf([.. ids.Values.SelectMany(v => v).Select(g => g.ToString())]) : null,
            property => SchemaFuzz.KnownIds(ids, property));
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => (Path: p.Name, Method: o.Name.ToUpperInvariant(), Generator: Requests(fuzz, p.Name, o.Name.ToUpperInvariant(), o.Value))))
            .ToList();
        var iterations = FuzzRun.Iterations(30);
        var pcg = new PCG(1, FuzzRun.Seed);
        var failures = new FuzzFailures();
        var statuses = new SortedDictionary<int, int>();

        for (var i = 0; i < iterations; i++)
        {
            foreach (var (path, method, generator) in operations)
            {
                var caseSeed = pcg.ToString();
                var request = generator.Generate(pcg, null, out _);
                HttpResponseMessage response;
                try
                {
                    response = await SendAsync(request);
                }
                catch (HttpRequestException) when (KestrelRejects(request))
                {
                    // Kestrel answered before reading the body and closed the connection while the client was still sending it.
                    continue;
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{method} {path}: no answer ({e.GetBaseException().Message})", $"case {caseSeed}\n{request}");
                    continue;
                }

                using var answer = response;
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync(Cancel);
                if (FuzzRun.Problem(response, body) is { } problem && !RejectedByKestrel(request, response, body))
                {
                    failures.Add($"{method} {path} -> {status}: {problem}", $"case {caseSeed}\n{request}\n  -> {status} {response.Content.Headers.ContentType}\n  {FuzzRun.Truncate(body, 1500)}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{operations.Count} operations x {iterations} = {operations.Count * iterations} requests; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.True(operations.Count > 40, $"Only {operations.Count} operations in the OpenAPI document.");
        failures.AssertNone();
    }

    /// <summary>
    /// Kestrel refuses a request line over its 8 KiB limit (414) and a path with a NUL in it (400) while parsing, before
    /// any middleware runs, and closes the connection with an empty answer: no application code sees the request, so it
    /// cannot carry a problem document. Only those two shapes, answered that way, are let through.
    /// </summary>
    private static bool RejectedByKestrel(FuzzRequest request, HttpResponseMessage response, string body)
        => KestrelRejects(request) && body.Length == 0 && response.Headers.ConnectionClose == true && (int)response.StatusCode is 400 or 414;

    /// <summary>Also a body over the 1 MiB limit: Kestrel answers 413 as soon as it knows, and may close before the client has sent it all.</summary>
    private static bool KestrelRejects(FuzzRequest request)
        => request.Body?.Length > 1024 * 1024 || request.Url.Split('?')[0].Contains("%00", StringComparison.Ordinal) || request.Method.Length + 1 + request.Url.Length + " HTTP/1.1\r\n".Length > 8192;

    private Task<HttpResponseMessage> SendAsync(FuzzRequest request)
    {
        var client = request.Caller switch
        {
            "admin" => ada.Client,
            "member" => mallory.Client,
            "other-org admin" => eve.Client,
            "super admin" => root,
            "forged token" => forged,
            _ => app.Client,
        };
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Url, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            }
        }

        if (request.IfMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", request.IfMatch);
        }

        return client.SendAsync(message, Cancel);
    }

    private Gen<FuzzRequest> Requests(SchemaFuzz fuzz, string path, string method, JsonElement operation)
    {
        var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
        var segments = System.Text.RegularExpressions.Regex.Split(path, @"(\{[^}]+\})")
            .Select(part => part.StartsWith('{') ? PathValue(part[1..^1], method, path) : Gen.Const(part))
            .ToList();
        var url = Sequence(segments).Select(parts => string.Concat(parts));
        var query = Sequence([.. parameters.Where(p => p.GetProperty("in").GetString() == "query").Select(p => QueryValue(fuzz, p))])
            .Select(parts => string.Join("&", parts.Where(part => part.Length > 0)));
        var ifMatch = parameters.Any(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "If-Match")
            ? Gen.Frequency((6, Gen.Const<string?>($"\"{itemVersion}\"")), (1, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("*", "\"0\"", "W/\"1\"", "\"-1\"", "\"99999999999999999999\"", "garbage", "\"\"")))
            : Gen.Const((string?)null);
        var body = Body(fuzz, operation);
        var caller = Gen.Frequency((20, "admin"), (2, "member"), (2, "other-org admin"), (2, "super admin"), (1, "anonymous"), (1, "forged token"));
        return Gen.Select(url, query, ifMatch, body, caller, (u, q, m, b, c) => new FuzzRequest(c, method, q.Length == 0 ? u : $"{u}?{q}", b.ContentType, b.Body, m));
    }

    /// <summary>A real id of the caller's organization most of the time, so the request reaches the use case; otherwise anything.</summary>
    private Gen<string> PathValue(string name, string method, string path)
    {
        var odd = Gen.Frequency((3, Gen.OneOf(OddSegments)), (2, SchemaFuzz.Guid), (1, Gen.Int[1_000, 4_000].Select(n => new string('x', n))), (1, SchemaFuzz.AnyString.Select(Escape)));
        if (name == "orgId")
        {
            // Deleting Acme would end the run's coverage: its own id is never sent to the operation that deletes it.
            var own = method == "DELETE" && path == "/api/v1/organizations/{orgId}" ? [eve.OrgId] : new[] { ada.OrgId, ada.OrgId, ada.OrgId, ada.OrgId, eve.OrgId };
            return Gen.Frequency((5, Gen.OneOf([.. own.Select(g => g.ToString())])), (1, odd));
        }

        if (name == "version")
        {
            return Gen.Frequency((3, Gen.Const(itemVersion.ToString(CultureInfo.InvariantCulture))), (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))), (1, odd));
        }

        return ids.TryGetValue(name, out var known)
            ? Gen.Frequency((4, Gen.OneOf([.. known.Select(g => g.ToString())])), (2, odd))
            : Gen.Frequency((1, Gen.String[Gen.Char.AlphaNumeric, 1, 30]), (1, Gen.OneOf("foundation", "problem-and-goals", "project-charter-approved", "project-charter")), (1, odd));
    }

    private static Gen<string> QueryValue(SchemaFuzz fuzz, JsonElement parameter)
    {
        var name = parameter.GetProperty("name").GetString()!;
        var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
        // The schema's JSON value as a query string would carry it: a string without its quotes, anything else as written.
        // At most 500 characters: a longer query soon passes Kestrel's 8 KiB request line, which it refuses before the application.
        var value = fuzz.Value(schema).Select(json => json.StartsWith('"') && json.EndsWith('"') && json.Length >= 2 ? Unquote(json) : json).Select(v => v.Length > 500 ? v[..500] : v);
        return Gen.Frequency(
            (3, value.Select(v => $"{Escape(name)}={Escape(v)}")),
            (1, Gen.Const(string.Empty)),
            (1, Gen.Select(value, value, (a, b) => $"{Escape(name)}={Escape(a)}&{Escape(name)}={Escape(b)}")),
            (1, Gen.OneOf($"{name}", $"{name}=", $"{name}=%ED%A0%80", $"{name}=%00", $"{name}=%", $"{name}[]=1", $"{name}=%FF%FE")));
    }

    private static Gen<(string? ContentType, byte[]? Body)> Body(SchemaFuzz fuzz, JsonElement operation)
    {
        var none = Gen.Const<(string?, byte[]?)>((null, null));
        if (!operation.TryGetProperty("requestBody", out var requestBody))
        {
            return Gen.Frequency((9, none), (1, Gen.Const<(string?, byte[]?)>(("application/json", "{\"unexpected\":true}"u8.ToArray()))));
        }

        var contents = requestBody.GetProperty("content").EnumerateObject().ToList();
        var json = contents.FirstOrDefault(c => c.Name.Contains("json", StringComparison.Ordinal));
        var mediaType = json.Value.ValueKind == JsonValueKind.Undefined ? contents[0].Name : json.Name;
        var schema = json.Value.ValueKind == JsonValueKind.Object && json.Value.TryGetProperty("schema", out var s) ? s : default;
        var valid = fuzz.Value(schema).Select(text => ((string?)mediaType, (byte[]?)Encoding.UTF8.GetBytes(text)));
        return Gen.Frequency(
            (14, valid),
            (1, none),
            (1, Gen.OneOf("", "null", "{", "[1,", "{\"a\":1,}", "not json", "\"\\ud800\"", "{\"a\":\"\\u0000\"}", "[]", "123", "true").Select(t => ((string?)mediaType, (byte[]?)Encoding.UTF8.GetBytes(t)))),
            // Bytes that are not UTF-8 (a lone surrogate's encoding, a stray continuation byte) inside a JSON string.
            (1, Gen.Const<(string?, byte[]?)>((mediaType, [(byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xED, 0xA0, 0x80, 0xFF, (byte)'"', (byte)'}']))),
            (1, Gen.Select(valid, Gen.OneOf<string?>("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=bogus", null), (v, type) => (type, v.Item2))),
            // Just under the 1 MiB body limit: over it, Kestrel answers 413 and closes the connection before the client has sent it all.
            (1, Gen.Const<(string?, byte[]?)>((mediaType, Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 1_000_000) + "\"}")))));
    }

    /// <summary>Percent-encodes every UTF-16 unit as the bytes a client would send; a lone surrogate becomes its three-byte form (%ED%A0%80).</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                escaped.Append(c);
                continue;
            }

            int codePoint = c;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, value[++i]);
            }

            foreach (var b in Utf8Bytes(codePoint))
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    private static byte[] Utf8Bytes(int codePoint) => codePoint switch
    {
        < 0x80 => [(byte)codePoint],
        < 0x800 => [(byte)(0xC0 | (codePoint >> 6)), (byte)(0x80 | (codePoint & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (codePoint >> 12)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
        _ => [(byte)(0xF0 | (codePoint >> 18)), (byte)(0x80 | ((codePoint >> 12) & 0x3F)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
    };

    /// <summary>The string a JSON literal stands for; a literal that does not decode (a lone surrogate) is used as written.</summary>
    private static string Unquote(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<string>(json) ?? string.Empty;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return json[1..^1];
        }
    }

    private static Gen<List<string>> Sequence(List<Gen<string>> gens)
        => gens.Aggregate(Gen.Const(new List<string>()), (acc, gen) => Gen.Select(acc, gen, (list, item) => new List<string>(list) { item }));

    private sealed record FuzzRequest(string Caller, string Method, string Url, string? ContentType, byte[]? Body, string? IfMatch)
    {
        public override string ToString()
            => $"  {Method} {FuzzRun.Truncate(Url, 400)} as {Caller}{(IfMatch is null ? string.Empty : $", If-Match: {IfMatch}")}\n  Content-Type: {ContentType ?? "(none)"}\n  {(Body is null ? "(no body)" : FuzzRun.Truncate(Encoding.UTF8.GetString(Body), 600))}";
    }
}
