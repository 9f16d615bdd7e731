using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Remote;

namespace EngineeringFramework.Authz.Tests.Remote;

/// <summary>
/// Every request our remote adapter sends and every answer the OpenFGA test server gives, checked against OpenFGA's
/// published API description, so neither side is only tuned to the other.
/// </summary>
public sealed class OpenFgaApiShapeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adapter_requests_and_test_server_answers_fit_the_published_API_description()
    {
        var description = new OpenFgaApiDescription(RepositoryPaths.SkipUnlessApiDescriptionExists());
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(presharedKey: "key", cancellationToken: Cancel);
        var recorder = new Recorder();
        using var http = new HttpClient(recorder);

        await RunSessionAsync(server.BaseUrl, http);

        var problems = new List<string>();
        foreach (var exchange in recorder.Exchanges)
        {
            problems.AddRange(description.CheckRequest(exchange.Method, exchange.Path, exchange.RequestBody));
            problems.AddRange(description.CheckResponse(exchange.Method, exchange.Path, exchange.Status, exchange.ResponseBody));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var covered = recorder.Exchanges.Select(e => $"{e.Method} {description.Template(e.Path)} {e.Status}").ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "POST /stores 201", "GET /stores 200", "GET /stores/{store_id} 200", "DELETE /stores/{store_id} 204", "GET /stores/{store_id} 404",
                "POST /stores/{store_id}/authorization-models 201", "GET /stores/{store_id}/authorization-models 200", "GET /stores/{store_id}/authorization-models/{id} 200",
                "POST /stores/{store_id}/write 200", "POST /stores/{store_id}/write 400", "POST /stores/{store_id}/read 200",
                "POST /stores/{store_id}/check 200", "POST /stores/{store_id}/check 400", "POST /stores/{store_id}/check 401",
                "POST /stores/{store_id}/batch-check 200", "POST /stores/{store_id}/list-objects 200", "POST /stores/{store_id}/list-users 200",
            },
            covered);
    }

    [Fact]
    public void The_description_check_finds_a_misspelt_field_a_wrong_type_and_a_missing_required_property()
    {
        var description = new OpenFgaApiDescription(RepositoryPaths.SkipUnlessApiDescriptionExists());

        var misspelt = description.CheckResponse("POST", "/stores/01H/check", 200, JsonNode.Parse("""{"alowed":true}"""));
        var wrongType = description.CheckResponse("POST", "/stores/01H/list-objects", 200, JsonNode.Parse("""{"objects":"document:1"}"""));
        var missing = description.CheckResponse("POST", "/stores/01H/read", 200, JsonNode.Parse("""{"tuples":[]}"""));
        var badEnum = description.CheckRequest("POST", "/stores/01H/write", JsonNode.Parse("""{"writes":{"tuple_keys":[{"user":"user:a","relation":"r","object":"d:1"}],"on_duplicate":"skip"}}"""));
        var undocumented = description.CheckResponse("POST", "/stores/01H/check", 418, null);

        Assert.NotEmpty(misspelt);
        Assert.NotEmpty(wrongType);
        Assert.NotEmpty(missing);
        Assert.NotEmpty(badEnum);
        Assert.NotEmpty(undocumented);
    }

    // The calls the product makes, plus the error answers it must understand.
    private static async Task RunSessionAsync(Uri api, HttpClient http)
    {
        var stores = new OpenFgaStores(http, api, "key");
        var store = await stores.CreateAsync("shapes", Cancel);
        await stores.GetAsync(store.Id, Cancel);
        using (var list = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "stores?page_size=10")))
        {
            list.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "key");
            (await http.SendAsync(list, Cancel)).Dispose();
        }

        var engine = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = api, StoreId = store.Id, ApiToken = "key", MaxAttempts = 1, Consistency = "HIGHER_CONSISTENCY" });
        var modelId = await engine.WriteModelAsync(DslParser.ParseAndValidate("""
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user]
            type document
              relations
                define viewer: [user, user:*, group#member]
            """), Cancel);
        await engine.ReadModelAsync(cancellationToken: Cancel);
        await engine.ReadModelAsync(modelId, Cancel);

        var ignore = new WriteOptions(IgnoreDuplicateWrites: true, IgnoreMissingDeletes: true);
        await engine.WriteAsync(new WriteRequest { Writes = [.. Enumerable.Range(0, 120).Select(i => new TupleKey($"document:{i}", "viewer", "user:anne")), new("document:1", "viewer", "group:eng#member"), new("document:2", "viewer", "user:*")], Options = ignore }, Cancel);
        await engine.WriteAsync(new WriteRequest { Deletes = [new("document:0", "viewer", "user:anne"), new("document:0", "viewer", "user:nobody")], Options = ignore }, Cancel);
        await Assert.ThrowsAsync<AuthzException>(async () => await engine.WriteAsync(new WriteRequest { Writes = [new("document:1", "viewer", "user:anne")] }, Cancel));
        await engine.ReadAsync(new ReadRequest("document:1"), Cancel);
        await engine.ReadAsync(new ReadRequest(), Cancel);

        await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1") { ContextualTuples = [new("group:eng", "member", "user:anne")] }, Cancel);
        await Assert.ThrowsAsync<AuthzException>(async () => await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "folder:1"), Cancel));
        await engine.BatchCheckAsync([new("user:anne", "viewer", "document:1"), new("user:anne", "viewer", "folder:1")], Cancel);
        await engine.ListObjectsAsync(new ListObjectsRequest("user:anne", "viewer", "document"), Cancel);
        await engine.ListUsersAsync(new ListUsersRequest("document:1", "viewer", [new UserTypeFilter("user"), new UserTypeFilter("group", "member")]), Cancel);

        var wrongKey = new RemoteAuthorizationEngine(http, new RemoteEngineOptions { ApiUrl = api, StoreId = store.Id, ApiToken = "wrong", MaxAttempts = 1 });
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await wrongKey.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel));

        await stores.DeleteAsync(store.Id, Cancel);
        Assert.Null(await stores.GetAsync(store.Id, Cancel));
    }

    private sealed record Exchange(string Method, string Path, JsonNode? RequestBody, int Status, JsonNode? ResponseBody);

    /// <summary>Keeps every request and answer that passes through the client.</summary>
    private sealed class Recorder() : DelegatingHandler(new HttpClientHandler())
    {
        public ConcurrentQueue<Exchange> Exchanges { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestText = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            var responseText = await response.Content.ReadAsStringAsync(cancellationToken);
            Exchanges.Enqueue(new Exchange(request.Method.Method, request.RequestUri!.AbsolutePath, Parse(requestText), (int)response.StatusCode, Parse(responseText)));
            response.Content = new StringContent(responseText, Encoding.UTF8, "application/json");
            return response;
        }

        private static JsonNode? Parse(string? text) => string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text);
    }
}
