using System.Net;
using System.Net.Http.Json;
using EngineeringFramework.Server.Tests.Support;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>The MCP endpoint as a client first reaches it: a Streamable HTTP <c>initialize</c> POST with a bearer token.</summary>
internal static class McpCalls
{
    public static async Task<HttpStatusCode> InitializeAsync(TestApp app, string token)
    {
        using var response = await SendInitializeAsync(app, token);
        return response.StatusCode;
    }

    /// <summary>The whole answer, for tests that read its headers or body (the caller disposes it).</summary>
    public static async Task<HttpResponseMessage> SendInitializeAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "test", version = "1" } } }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new("Bearer", token);
        return await app.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
