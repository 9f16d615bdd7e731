using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Dsl;
using EngineeringFramework.Authz.Remote;
using EngineeringFramework.OpenFgaTestServer;

namespace EngineeringFramework.Authz.Tests.Remote;

/// <summary>The OpenFGA test server through our remote adapter and through raw HTTP, as a client that is not ours would see it.</summary>
public sealed class OpenFgaTestServerTests
{
    private const string Model = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user]
        type document
          relations
            define owner: [user]
            define viewer: [user, user:*, group#member] or owner
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly HttpClient Http = new();

    private static async Task<RemoteAuthorizationEngine> NewStoreAsync(OpenFgaTestServer.OpenFgaTestServer server, string? key = null)
    {
        var store = await new OpenFgaStores(Http, server.BaseUrl, key).CreateAsync("test", Cancel);
        var engine = new RemoteAuthorizationEngine(Http, new RemoteEngineOptions { ApiUrl = server.BaseUrl, StoreId = store.Id, ApiToken = key, MaxAttempts = 1 });
        await engine.WriteModelAsync(DslParser.ParseAndValidate(Model), Cancel);
        return engine;
    }

    [Fact]
    public async Task The_adapter_writes_checks_lists_and_reads_through_the_test_server()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var engine = await NewStoreAsync(server);
        await engine.WriteAsync(new WriteRequest
        {
            Writes = [new("document:1", "owner", "user:anne"), new("group:eng", "member", "user:bob"), new("document:2", "viewer", "group:eng#member"), new("document:3", "viewer", "user:*")],
        }, Cancel);

        var anneOwns = await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel);
        var bobSeesTwo = await engine.CheckAsync(new CheckRequest("user:bob", "viewer", "document:2"), Cancel);
        var carlWithContext = await engine.CheckAsync(new CheckRequest("user:carl", "owner", "document:9") { ContextualTuples = [new("document:9", "owner", "user:carl")] }, Cancel);
        var batch = await engine.BatchCheckAsync([new("user:bob", "viewer", "document:1"), new("user:bob", "viewer", "document:3"), new("user:bob", "viewer", "folder:1")], Cancel);
        var bobsDocuments = await engine.ListObjectsAsync(new ListObjectsRequest("user:bob", "viewer", "document"), Cancel);
        var viewersOfTwo = await engine.ListUsersAsync(new ListUsersRequest("document:2", "viewer", [new UserTypeFilter("group", "member")]), Cancel);

        Assert.True(anneOwns.Allowed);
        Assert.True(bobSeesTwo.Allowed);
        Assert.True(carlWithContext.Allowed);
        Assert.Equal([false, true, false], batch.Select(b => b.Allowed));
        Assert.NotNull(batch[2].Error);
        Assert.Equal(["document:2", "document:3"], bobsDocuments.Objects.Order(StringComparer.Ordinal));
        Assert.Equal(["group:eng#member"], viewersOfTwo.Users);
    }

    [Fact]
    public async Task Reads_page_through_every_tuple_and_ignore_options_make_writes_repeatable()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var engine = await NewStoreAsync(server);
        var tuples = Enumerable.Range(0, 250).Select(i => new TupleKey($"document:{i}", "viewer", "user:anne")).ToList();
        var ignore = new WriteOptions(IgnoreDuplicateWrites: true, IgnoreMissingDeletes: true);

        await engine.WriteAsync(new WriteRequest { Writes = tuples, Options = ignore }, Cancel);
        await engine.WriteAsync(new WriteRequest { Writes = tuples[..10], Deletes = [new("document:999", "viewer", "user:anne")], Options = ignore }, Cancel);
        var duplicate = await Assert.ThrowsAsync<AuthzException>(async () => await engine.WriteAsync(new WriteRequest { Writes = tuples[..1] }, Cancel));
        var missing = await Assert.ThrowsAsync<AuthzException>(async () => await engine.WriteAsync(new WriteRequest { Deletes = [new("document:999", "viewer", "user:anne")] }, Cancel));
        var read = await engine.ReadAsync(new ReadRequest(), Cancel);

        Assert.Equal(AuthzErrorCode.WriteFailedDueToInvalidInput, duplicate.Code);
        Assert.Equal(AuthzErrorCode.WriteFailedDueToInvalidInput, missing.Code);
        Assert.Equal(tuples.ToHashSet(), read.Tuples.ToHashSet());
        Assert.Equal(250, read.Tuples.Count);
    }

    [Fact]
    public async Task More_than_100_tuples_in_one_request_are_refused_as_OpenFGA_refuses_them()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var engine = await NewStoreAsync(server);
        var storeId = ((string)(await PostAsync(server, "stores", """{"name":"raw"}"""))["id"]!)!;
        await PostAsync(server, $"stores/{storeId}/authorization-models", """{"schema_version":"1.1","type_definitions":[{"type":"user"},{"type":"document","relations":{"viewer":{"this":{}}},"metadata":{"relations":{"viewer":{"directly_related_user_types":[{"type":"user"}]}}}}]}""");
        var keys = string.Join(",", Enumerable.Range(0, 101).Select(i => $$"""{"user":"user:u{{i}}","relation":"viewer","object":"document:1"}"""));

        using var response = await SendAsync(server, HttpMethod.Post, $"stores/{storeId}/write", """{"writes":{"tuple_keys":[""" + keys + "]}}");
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("exceeded_entity_limit", (string?)error["code"]);
        Assert.Empty((await engine.ReadAsync(new ReadRequest(), Cancel)).Tuples);
    }

    [Fact]
    public async Task A_wrong_or_missing_key_is_answered_401_and_the_right_one_is_served()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(presharedKey: "s3cret", cancellationToken: Cancel);

        using var missing = await SendAsync(server, HttpMethod.Get, "stores", null);
        using var wrong = await SendAsync(server, HttpMethod.Get, "stores", null, "nope");
        using var right = await SendAsync(server, HttpMethod.Get, "stores", null, "s3cret");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("bearer_token_missing", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync(Cancel))!["code"]);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("unauthenticated", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync(Cancel))!["code"]);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(() => new OpenFgaStores(Http, server.BaseUrl, "nope").CreateAsync("x", Cancel));
    }

    [Fact]
    public async Task Models_have_ULID_ids_and_are_listed_newest_first_a_page_at_a_time()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var storeId = ((string)(await PostAsync(server, "stores", """{"name":"models"}"""))["id"]!)!;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var written = await PostAsync(server, $"stores/{storeId}/authorization-models", $$"""{"schema_version":"1.1","type_definitions":[{"type":"user{{i}}"}]}""");
            ids.Add((string)written["authorization_model_id"]!);
        }

        var first = await GetAsync(server, $"stores/{storeId}/authorization-models?page_size=2");
        var second = await GetAsync(server, $"stores/{storeId}/authorization-models?page_size=2&continuation_token={Uri.EscapeDataString((string)first["continuation_token"]!)}");
        var listed = first["authorization_models"]!.AsArray().Concat(second["authorization_models"]!.AsArray()).Select(m => (string)m!["id"]!);

        Assert.All(ids, id => Assert.Matches("^[0-7][0-9A-HJKMNP-TV-Z]{25}$", id));
        Assert.Equal(ids.AsEnumerable().Reverse(), listed);
        Assert.Equal("", (string?)second["continuation_token"]);
        Assert.Equal("user1", (string?)(await GetAsync(server, $"stores/{storeId}/authorization-models/{ids[1]}"))["authorization_model"]!["type_definitions"]![0]!["type"]);
    }

    [Fact]
    public async Task A_deleted_store_is_404_store_id_not_found_and_has_no_model_to_check_against()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var stores = new OpenFgaStores(Http, server.BaseUrl);
        var store = await stores.CreateAsync("short-lived", Cancel);

        var found = await stores.GetAsync(store.Id, Cancel);
        await stores.DeleteAsync(store.Id, Cancel);
        using var afterDelete = await SendAsync(server, HttpMethod.Get, $"stores/{store.Id}", null);
        using var checkAfterDelete = await SendAsync(server, HttpMethod.Post, $"stores/{store.Id}/check", """{"tuple_key":{"user":"user:anne","relation":"viewer","object":"document:1"}}""");
        using var readAfterDelete = await SendAsync(server, HttpMethod.Post, $"stores/{store.Id}/read", "{}");

        Assert.Equal("short-lived", found?.Name);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        Assert.Equal("store_id_not_found", (string?)JsonNode.Parse(await afterDelete.Content.ReadAsStringAsync(Cancel))!["code"]);
        Assert.Null(await stores.GetAsync(store.Id, Cancel));
        Assert.Equal(HttpStatusCode.BadRequest, checkAfterDelete.StatusCode);
        Assert.Equal("latest_authorization_model_not_found", (string?)JsonNode.Parse(await checkAfterDelete.Content.ReadAsStringAsync(Cancel))!["code"]);
        Assert.Equal("""{"tuples":[],"continuation_token":""}""", await readAfterDelete.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_stopped_server_is_unavailable_and_comes_back_on_the_same_port_with_its_tuples()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var engine = await NewStoreAsync(server);
        await engine.WriteAsync(new WriteRequest { Writes = [new("document:1", "owner", "user:anne")] }, Cancel);
        var address = server.BaseUrl;

        await server.StopAsync(Cancel);
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel));
        await server.RestartAsync(Cancel);
        var afterRestart = await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel);

        Assert.Equal(address, server.BaseUrl);
        Assert.True(afterRestart.Allowed);
    }

    [Fact]
    public async Task The_product_model_written_from_DSL_is_read_back_as_the_latest_with_the_same_JSON()
    {
        await using var server = await OpenFgaTestServer.OpenFgaTestServer.StartAsync(cancellationToken: Cancel);
        var store = await new OpenFgaStores(Http, server.BaseUrl).CreateAsync("migrate", Cancel);
        var engine = new RemoteAuthorizationEngine(Http, new RemoteEngineOptions { ApiUrl = server.BaseUrl, StoreId = store.Id });
        var model = DslParser.ParseAndValidate(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "authorization", "model.fga"), Cancel));

        var before = await engine.ReadModelAsync(cancellationToken: Cancel);
        var id = await engine.WriteModelAsync(model, Cancel);
        var latest = await engine.ReadModelAsync(cancellationToken: Cancel);

        Assert.Null(before);
        Assert.Equal(id, latest?.Id);
        Assert.Equal(EngineeringFramework.Authz.Model.ModelJson.Serialize(model), EngineeringFramework.Authz.Model.ModelJson.Serialize(latest!.Model));
    }

    [Fact]
    public async Task The_test_server_runs_as_its_own_process_with_the_key_from_OpenFGAs_variable()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "EngineeringFramework.OpenFgaTestServer.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { dll, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OPENFGA_AUTHN_PRESHARED_KEYS"] = "process-key,other";
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(Cancel);
            }
            while (line is not null && !line.StartsWith("OpenFGA test server", StringComparison.Ordinal));

            Assert.NotNull(line);
            var api = new Uri(line[(line.LastIndexOf(' ') + 1)..]);
            var stores = new OpenFgaStores(Http, api, "process-key");
            var created = await stores.CreateAsync("from-another-process", Cancel);

            Assert.Equal("from-another-process", (await stores.GetAsync(created.Id, Cancel))?.Name);
            await Assert.ThrowsAsync<AuthorizationUnavailableException>(() => new OpenFgaStores(Http, api).CreateAsync("no key", Cancel));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancel);
        }
    }

    private static async Task<JsonNode> PostAsync(OpenFgaTestServer.OpenFgaTestServer server, string path, string body)
    {
        using var response = await SendAsync(server, HttpMethod.Post, path, body);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GetAsync(OpenFgaTestServer.OpenFgaTestServer server, string path)
    {
        using var response = await SendAsync(server, HttpMethod.Get, path, null);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static Task<HttpResponseMessage> SendAsync(OpenFgaTestServer.OpenFgaTestServer server, HttpMethod method, string path, string? body, string? key = null)
    {
        var request = new HttpRequestMessage(method, new Uri(server.BaseUrl, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return Http.SendAsync(request, Cancel);
    }
}
