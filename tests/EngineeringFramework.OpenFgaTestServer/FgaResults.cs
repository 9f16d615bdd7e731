using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EngineeringFramework.OpenFgaTestServer;

/// <summary>JSON answers written exactly as built, with OpenFGA's content type.</summary>
internal static class FgaResults
{
    // Messages keep their quotes and ampersands readable, as OpenFGA's are; the body is JSON, never HTML.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Json(int status, JsonNode body) => Results.Text(body.ToJsonString(Options), "application/json", statusCode: status);

    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString(Options));
    }
}
