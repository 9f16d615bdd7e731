using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Remote;

namespace EngineeringFramework.Authz.Tests.Remote;

public sealed class RemoteAuthorizationEngineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static RemoteAuthorizationEngine Engine(Uri api, string? modelId = "01MODEL", int attempts = 3, TimeSpan? timeout = null) =>
        new(new HttpClient(), new RemoteEngineOptions
        {
            ApiUrl = api,
            StoreId = "01STORE",
            ModelId = modelId,
            ApiToken = "preshared",
            MaxAttempts = attempts,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
        });

    [Fact]
    public async Task Check_sends_openfga_shape_and_reads_allowed()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("check", 200, """{"allowed":true,"resolution":""}""");

        var result = await Engine(fga.ApiUrl).CheckAsync(
            new CheckRequest("user:anne", "viewer", "document:1") { ContextualTuples = [new TupleKey("document:1", "editor", "user:anne")] }, Cancel);

        Assert.True(result.Allowed);
        var (route, body, authorization) = Assert.Single(fga.Requests);
        Assert.Equal("check", route);
        Assert.Equal("Bearer preshared", authorization);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"tuple_key":{"user":"user:anne","relation":"viewer","object":"document:1"},"contextual_tuples":{"tuple_keys":[{"user":"user:anne","relation":"editor","object":"document:1"}]},"authorization_model_id":"01MODEL"}"""),
            body));
    }

    [Fact]
    public async Task List_users_asks_once_per_filter_as_OpenFGA_requires_and_reads_all_three_user_forms()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("list-users", 200, """{"users":[{"object":{"type":"user","id":"anne"}},{"wildcard":{"type":"user"}}]}""");
        fga.Answer("list-users", 200, """{"users":[{"userset":{"type":"group","id":"eng","relation":"member"}},{"object":{"type":"user","id":"anne"}}]}""");

        var result = await Engine(fga.ApiUrl, modelId: null).ListUsersAsync(new ListUsersRequest("document:1", "viewer", [new UserTypeFilter("user"), new UserTypeFilter("group", "member")]), Cancel);

        Assert.Equal(["user:anne", "user:*", "group:eng#member"], result.Users);
        Assert.Equal(2, fga.Requests.Count);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"object":{"type":"document","id":"1"},"relation":"viewer","user_filters":[{"type":"user"}]}"""),
            fga.Requests.First().Body));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"type":"group","relation":"member"}]"""), fga.Requests.Last().Body!["user_filters"]));
    }

    [Fact]
    public async Task List_objects_and_batch_check_follow_the_api()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("list-objects", 200, """{"objects":["document:1","document:2"]}""");
        fga.Answer("batch-check", 200, """{"result":{"0":{"allowed":true},"1":{"error":{"input_error":"type_not_found","message":"type 'x' not found"}}}}""");
        var engine = Engine(fga.ApiUrl);

        var objects = await engine.ListObjectsAsync(new ListObjectsRequest("user:anne", "viewer", "document"), Cancel);
        var batch = await engine.BatchCheckAsync([new CheckRequest("user:anne", "viewer", "document:1"), new CheckRequest("user:anne", "viewer", "x:1")], Cancel);

        Assert.Equal(["document:1", "document:2"], objects.Objects);
        Assert.True(batch[0].Allowed);
        Assert.False(batch[1].Allowed);
        Assert.NotNull(batch[1].Error);
        var checks = fga.Requests.Single(r => r.Route == "batch-check").Body!["checks"]!.AsArray();
        Assert.Equal(["0", "1"], checks.Select(c => (string)c!["correlation_id"]!));
    }

    [Fact]
    public async Task Write_sends_ignore_options_and_maps_openfga_error_codes()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("write", 200, "{}");
        fga.Answer("write", 400, """{"code":"write_failed_due_to_invalid_input","message":"cannot write a tuple which already exists"}""");
        var engine = Engine(fga.ApiUrl);
        var tuple = new TupleKey("document:1", "viewer", "user:anne");

        await engine.WriteAsync(new WriteRequest { Writes = [tuple], Deletes = [tuple], Options = new WriteOptions(true, true) }, Cancel);
        var error = await Assert.ThrowsAsync<AuthzException>(async () => await engine.WriteAsync(new WriteRequest { Writes = [tuple] }, Cancel));

        Assert.Equal(2017, error.NumericCode);
        var body = fga.Requests.First().Body!;
        Assert.Equal("ignore", (string?)body["writes"]!["on_duplicate"]);
        Assert.Equal("ignore", (string?)body["deletes"]!["on_missing"]);
    }

    [Fact]
    public async Task Read_follows_continuation_tokens()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("read", 200, """{"tuples":[{"key":{"user":"user:a","relation":"viewer","object":"document:1"},"timestamp":"2026-01-01T00:00:00Z"}],"continuation_token":"next"}""");
        fga.Answer("read", 200, """{"tuples":[{"key":{"user":"user:b","relation":"viewer","object":"document:1"},"timestamp":"2026-01-01T00:00:00Z"}],"continuation_token":""}""");

        var result = await Engine(fga.ApiUrl).ReadAsync(new ReadRequest(Object: "document:1"), Cancel);

        Assert.Equal(["user:a", "user:b"], result.Tuples.Select(t => t.User));
        Assert.Equal("next", (string?)fga.Requests.Last().Body!["continuation_token"]);
    }

    [Fact]
    public async Task Transient_failures_of_queries_are_retried()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("check", 503, """{"code":"unavailable","message":"busy"}""");
        fga.Answer("check", 200, """{"allowed":true}""");

        var result = await Engine(fga.ApiUrl).CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel);

        Assert.True(result.Allowed);
        Assert.Equal(2, fga.Requests.Count);
    }

    [Fact]
    public async Task Writes_are_never_retried()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("write", 503, """{"code":"unavailable","message":"busy"}""");
        fga.Answer("write", 200, "{}");

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () =>
            await Engine(fga.ApiUrl).WriteAsync(new WriteRequest { Writes = [new TupleKey("document:1", "viewer", "user:anne")] }, Cancel));

        Assert.Single(fga.Requests);
    }

    [Fact]
    public async Task Unreachable_server_is_unavailable_for_every_call_never_a_denial()
    {
        var engine = Engine(new Uri($"http://127.0.0.1:{ClosedPort()}/"), attempts: 2);

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.ListObjectsAsync(new ListObjectsRequest("user:anne", "viewer", "document"), Cancel));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.ListUsersAsync(new ListUsersRequest("document:1", "viewer", [new UserTypeFilter("user")]), Cancel));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.BatchCheckAsync([new CheckRequest("user:anne", "viewer", "document:1")], Cancel));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.WriteAsync(new WriteRequest { Writes = [new TupleKey("document:1", "viewer", "user:anne")] }, Cancel));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () => await engine.ReadAsync(new ReadRequest(), Cancel));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unavailable_after_the_timeout()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Hang("check");

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () =>
            await Engine(fga.ApiUrl, attempts: 1, timeout: TimeSpan.FromMilliseconds(200)).CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel));
    }

    [Fact]
    public async Task A_refused_key_is_unavailable_and_not_retried()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("check", 401, """{"code":"unauthenticated","message":"unauthenticated"}""");
        fga.Answer("check", 200, """{"allowed":true}""");

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () =>
            await Engine(fga.ApiUrl).CheckAsync(new CheckRequest("user:anne", "viewer", "document:1"), Cancel));

        Assert.Single(fga.Requests);
    }

    [Fact]
    public async Task A_batch_check_entry_that_failed_inside_the_server_makes_the_batch_unavailable()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("batch-check", 200, """{"result":{"0":{"allowed":true},"1":{"error":{"internal_error":"deadline_exceeded","message":"timeout"}}}}""");

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(async () =>
            await Engine(fga.ApiUrl).BatchCheckAsync([new CheckRequest("user:anne", "viewer", "document:1"), new CheckRequest("user:anne", "viewer", "document:2")], Cancel));
    }

    [Fact]
    public async Task Batch_check_falls_back_to_single_checks_on_a_server_without_the_endpoint()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("batch-check", 404, """{"code":"undefined_endpoint","message":"Not Found"}""");
        fga.Answer("check", 200, """{"allowed":true}""");
        fga.Answer("check", 400, """{"code":"type_not_found","message":"type 'x' not found"}""");

        var batch = await Engine(fga.ApiUrl).BatchCheckAsync([new CheckRequest("user:anne", "viewer", "document:1"), new CheckRequest("user:anne", "viewer", "x:1")], Cancel);

        Assert.True(batch[0].Allowed);
        Assert.Equal(AuthzErrorCode.TypeNotFound, batch[1].Error?.Code);
        Assert.Equal(["batch-check", "check", "check"], fga.Requests.Select(r => r.Route));
    }

    [Fact]
    public async Task Batch_check_sends_at_most_the_server_limit_per_request()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("batch-check", 200, "{\"result\":{" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"{i}\":{{\"allowed\":true}}")) + "}}");
        fga.Answer("batch-check", 200, """{"result":{"0":{"allowed":false}}}""");

        var batch = await Engine(fga.ApiUrl).BatchCheckAsync([.. Enumerable.Range(0, 51).Select(i => new CheckRequest("user:anne", "viewer", $"document:{i}"))], Cancel);

        Assert.Equal(51, batch.Count);
        Assert.All(batch.Take(50), r => Assert.True(r.Allowed));
        Assert.False(batch[50].Allowed);
        Assert.Equal([50, 1], fga.Requests.Select(r => r.Body!["checks"]!.AsArray().Count));
    }

    [Fact]
    public async Task A_write_above_the_limit_goes_in_chunks_of_at_most_100_deletes_first()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            fga.Answer("write", 200, "{}");
        }

        var writes = Enumerable.Range(0, 150).Select(i => new TupleKey($"document:{i}", "viewer", "user:anne")).ToList();
        var deletes = Enumerable.Range(0, 30).Select(i => new TupleKey($"document:{i}", "editor", "user:anne")).ToList();

        await Engine(fga.ApiUrl).WriteAsync(new WriteRequest { Writes = writes, Deletes = deletes, Options = new WriteOptions(true, true) }, Cancel);

        var bodies = fga.Requests.Select(r => r.Body!).ToList();
        Assert.Equal([30, 0, 0], bodies.Select(b => b["deletes"]?["tuple_keys"]?.AsArray().Count ?? 0));
        Assert.Equal([0, 100, 50], bodies.Select(b => b["writes"]?["tuple_keys"]?.AsArray().Count ?? 0));
        Assert.All(bodies.Skip(1), b => Assert.Equal("ignore", (string?)b["writes"]!["on_duplicate"]));
    }

    [Fact]
    public async Task The_consistency_preference_goes_with_every_query_and_read_but_not_with_writes()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("check", 200, """{"allowed":false}""");
        fga.Answer("batch-check", 200, """{"result":{"0":{"allowed":false}}}""");
        fga.Answer("list-objects", 200, """{"objects":[]}""");
        fga.Answer("list-users", 200, """{"users":[]}""");
        fga.Answer("read", 200, """{"tuples":[],"continuation_token":""}""");
        fga.Answer("write", 200, "{}");
        var engine = new RemoteAuthorizationEngine(new HttpClient(), new RemoteEngineOptions { ApiUrl = fga.ApiUrl, StoreId = "01STORE", Consistency = "HIGHER_CONSISTENCY" });
        var check = new CheckRequest("user:anne", "viewer", "document:1");

        await engine.CheckAsync(check, Cancel);
        await engine.BatchCheckAsync([check], Cancel);
        await engine.ListObjectsAsync(new ListObjectsRequest("user:anne", "viewer", "document"), Cancel);
        await engine.ListUsersAsync(new ListUsersRequest("document:1", "viewer", [new UserTypeFilter("user")]), Cancel);
        await engine.ReadAsync(new ReadRequest(), Cancel);
        await engine.WriteAsync(new WriteRequest { Writes = [new TupleKey("document:1", "viewer", "user:anne")] }, Cancel);

        Assert.Equal(
            ["check HIGHER_CONSISTENCY", "batch-check HIGHER_CONSISTENCY", "list-objects HIGHER_CONSISTENCY", "list-users HIGHER_CONSISTENCY", "read HIGHER_CONSISTENCY", "write "],
            fga.Requests.Select(r => $"{r.Route} {(string?)r.Body!["consistency"]}"));
    }

    [Fact]
    public async Task An_empty_write_sends_nothing()
    {
        await using var fga = await FakeOpenFga.StartAsync();

        await Engine(fga.ApiUrl).WriteAsync(new WriteRequest(), Cancel);

        Assert.Empty(fga.Requests);
    }

    [Fact]
    public async Task A_write_that_ignores_duplicates_and_missing_deletes_is_retried_after_a_transient_failure()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("write", 503, """{"code":"unavailable","message":"busy"}""");
        fga.Answer("write", 200, "{}");

        await Engine(fga.ApiUrl).WriteAsync(new WriteRequest { Writes = [new TupleKey("document:1", "viewer", "user:anne")], Options = new WriteOptions(true, true) }, Cancel);

        Assert.Equal(2, fga.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_that_are_not_transient_keep_their_openfga_code()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        fga.Answer("list-objects", 400, """{"code":"type_not_found","message":"type 'folder' not found"}""");

        var error = await Assert.ThrowsAsync<AuthzException>(async () =>
            await Engine(fga.ApiUrl).ListObjectsAsync(new ListObjectsRequest("user:anne", "viewer", "folder"), Cancel));

        Assert.Equal(2021, error.NumericCode);
    }

    [Fact]
    public async Task Model_is_written_and_read_back_through_authorization_models()
    {
        await using var fga = await FakeOpenFga.StartAsync();
        var model = EngineeringFramework.Authz.Dsl.DslParser.ParseAndValidate("model\n  schema 1.1\ntype user\ntype document\n  relations\n    define viewer: [user]\n");
        fga.Answer("authorization-models", 201, """{"authorization_model_id":"01NEW"}""");
        fga.Answer("authorization-models", 200, $$"""{"authorization_models":[{{EngineeringFramework.Authz.Model.ModelJson.Serialize(model).TrimEnd('}')}},"id":"01NEW"}]}""");

        var engine = Engine(fga.ApiUrl);
        var id = await engine.WriteModelAsync(model, Cancel);
        var stored = await engine.ReadModelAsync(cancellationToken: Cancel);

        Assert.Equal("01NEW", id);
        Assert.Equal("01NEW", stored!.Id);
        Assert.Equal("1.1", (string?)fga.Requests.First().Body!["schema_version"]);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
