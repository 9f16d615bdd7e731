using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EngineeringFramework.Core.Checklists;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Api;

/// <summary>
/// Compile-time JSON metadata for the API's largest, most read answers. The options are the API's own
/// (<see cref="ApiComposition"/>: web defaults, enums by name), so the bytes are the same as the reflection-based
/// serializer's (a test compares them); the generated code writes each property directly instead of walking
/// metadata, which is most of the serializer's cost on a 100-item checklist.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProjectChecklist))]
[JsonSerializable(typeof(ChecklistItemPage))]
internal sealed partial class ApiJson : JsonSerializerContext;

/// <summary>
/// A 200 answer serialized synchronously, straight into the response's pipe, with compile-time metadata. The
/// asynchronous serializer falls back to its slower, resumable path for bodies larger than its buffer; an answer that
/// is already in memory gains nothing from it. Documented in OpenAPI as <typeparamref name="T"/>, like <c>Ok&lt;T&gt;</c>.
/// </summary>
internal sealed class JsonOk<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        // Escaping belongs to the writer, not to the metadata: take the API's (ASP.NET Core's relaxed encoder for HTTP bodies).
        var api = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = api.Encoder, Indented = api.WriteIndented, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
