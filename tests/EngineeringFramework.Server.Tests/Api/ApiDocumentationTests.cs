using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// The OpenAPI document states the errors each route can answer, so a client can rely on it: every rule below
/// follows from what the pipeline and the use cases do, and a route added without its error responses fails here.
/// </summary>
public sealed class ApiDocumentationTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>
    /// Every API route answers 401 without a valid token and 429 over the rate limit; every route inside an organization
    /// 404 (not yours) and 403 (not allowed, or still onboarding); every route that reads a body, a query or a header
    /// 400 naming the field; every route that honours If-Match 412 once it no longer matches.
    /// </summary>
    [Fact]
    public async Task Every_api_operation_documents_its_error_responses()
    {
        var operations = await OperationsAsync();
        var missing = new List<string>();

        foreach (var (path, method, operation) in operations)
        {
            var responses = operation.GetProperty("responses");
            var name = $"{method.ToUpperInvariant()} {path} ({Id(operation)})";
            void Expect(string status, string why)
            {
                if (!responses.TryGetProperty(status, out var response))
                {
                    missing.Add($"{name}: no {status} ({why})");
                }
                else if (status != "429" && !response.TryGetProperty("content", out _))
                {
                    missing.Add($"{name}: {status} has no problem body");
                }
            }

            Expect("401", "authentication");
            Expect("429", "rate limiting");
            if (path.StartsWith("/api/v1/organizations/{orgId}", StringComparison.Ordinal))
            {
                Expect("403", "authorization");
                Expect("404", "another organization's ids");
            }

            var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
            if (operation.TryGetProperty("requestBody", out _) || parameters.Any(p => p.GetProperty("in").GetString() is "query" or "header"))
            {
                Expect("400", "invalid input");
            }

            if (parameters.Any(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "If-Match"))
            {
                Expect("412", "a stale If-Match");
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
        Assert.True(operations.Count > 40, $"Only {operations.Count} API operations were found.");
    }

    [Fact]
    public async Task Project_replacement_requires_every_field_and_the_patch_none()
    {
        var document = await server.App.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiTestKit.Cancel);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var project = document.GetProperty("paths").GetProperty("/api/v1/organizations/{orgId}/projects/{projectId}");

        var put = Resolve(schemas, project.GetProperty("put").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var patch = Resolve(schemas, project.GetProperty("patch").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        Assert.Equal(["description", "leadUserId", "name", "status", "targetDate"], put.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
        Assert.False(patch.TryGetProperty("required", out _));
        // Each field is described as its value: a nullable field admits null, the name does not.
        Assert.Contains("null", patch.GetProperty("properties").GetProperty("description").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("string", patch.GetProperty("properties").GetProperty("name").GetProperty("type").GetString());
        Assert.Equal("date", patch.GetProperty("properties").GetProperty("targetDate").GetProperty("format").GetString());
    }

    private async Task<List<(string Path, string Method, JsonElement Operation)>> OperationsAsync()
    {
        var document = await server.App.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ApiTestKit.Cancel);
        return [.. document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => (p.Name, o.Name, o.Value)))];
    }

    private static JsonElement Resolve(JsonElement schemas, JsonElement schema)
        => schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

    private static string Id(JsonElement operation) => operation.TryGetProperty("operationId", out var id) ? id.GetString() ?? "?" : "?";
}
