using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace EngineeringFramework.Authz.Tests.Remote;

/// <summary>
/// A local stand-in for an OpenFGA server: it checks that each request has the JSON shape OpenFGA's API
/// documents for its route (answering 400 like the real server when it does not), records it, and answers
/// with whatever the test queued for that route.
/// </summary>
internal sealed class FakeOpenFga : IAsyncDisposable
{
    private static readonly Dictionary<string, string[]> AllowedKeys = new()
    {
        ["check"] = ["tuple_key", "contextual_tuples", "authorization_model_id", "context", "consistency"],
        ["batch-check"] = ["checks", "authorization_model_id", "consistency"],
        ["list-objects"] = ["type", "relation", "user", "contextual_tuples", "authorization_model_id", "context", "consistency"],
        ["list-users"] = ["object", "relation", "user_filters", "contextual_tuples", "authorization_model_id", "context", "consistency"],
        ["write"] = ["writes", "deletes", "authorization_model_id"],
        ["read"] = ["tuple_key", "page_size", "continuation_token", "consistency"],
        ["authorization-models"] = ["schema_version", "type_definitions", "conditions"],
    };

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> answers = new();

    private FakeOpenFga(WebApplication app) => this.app = app;

    public ConcurrentQueue<(string Route, JsonObject? Body, string? Authorization)> Requests { get; } = new();

    public Uri ApiUrl => new(app.Urls.First() + "/");

    public static async Task<FakeOpenFga> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOpenFga(app);
        app.Map("/stores/{store}/{**route}", fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public void Answer(string route, int status, string json) => Enqueue(route, c => Write(c, status, json));

    /// <summary>The request is held open until the test ends: the client's own timeout must give up.</summary>
    public void Hang(string route) => Enqueue(route, c => Task.Delay(Timeout.Infinite, c.RequestAborted));

    private void Enqueue(string route, Func<HttpContext, Task> answer) => answers.GetOrAdd(route, _ => new()).Enqueue(answer);

    private async Task HandleAsync(HttpContext context)
    {
        var route = (string)context.Request.RouteValues["route"]!;
        var routeKey = route.StartsWith("authorization-models", StringComparison.Ordinal) ? "authorization-models" : route;
        JsonObject? body = null;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                await Write(context, 400, """{"code":"validation_error","message":"content type must be application/json"}""");
                return;
            }

            body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
            var unknown = body.Select(p => p.Key).Except(AllowedKeys[routeKey]).ToList();
            if (unknown.Count > 0)
            {
                await Write(context, 400, $$"""{"code":"validation_error","message":"unknown field {{unknown[0]}}"}""");
                return;
            }
        }

        Requests.Enqueue((route, body, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
        if (answers.TryGetValue(routeKey, out var queue) && queue.TryDequeue(out var answer))
        {
            await answer(context);
            return;
        }

        await Write(context, 500, """{"code":"internal_error","message":"nothing queued"}""");
    }

    private static Task Write(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
