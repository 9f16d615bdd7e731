using System.Buffers;
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
/// A 200 answer serialized synchronously with compile-time metadata into this thread's buffer, then handed to the
/// response in one piece with its <c>Content-Length</c>. The asynchronous serializer falls back to its slower,
/// resumable path for bodies larger than its buffer, and writing a 45 KB body into the response pipe a few hundred
/// bytes at a time (chunked, as its length is unknown) cost more than the copy; an answer that is already in memory
/// gains nothing from either. Documented in OpenAPI as <typeparamref name="T"/>, like <c>Ok&lt;T&gt;</c>.
/// </summary>
internal sealed class JsonOk<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        // Escaping belongs to the writer, not to the metadata: take the API's (ASP.NET Core's relaxed encoder for HTTP bodies).
        var api = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = ThreadBuffer.Serialize(value, typeInfo, new JsonWriterOptions { Encoder = api.Encoder, Indented = api.WriteIndented, SkipValidation = true });
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body.Span);
        ThreadBuffer.Release();
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>
/// One reusable serialization buffer per thread. Use is synchronous (serialize, copy out, release: no await in
/// between), so no two requests ever share it; a buffer grown past <see cref="KeepLimit"/> by an unusually large
/// answer is let go rather than kept for the thread's life.
/// </summary>
internal static class ThreadBuffer
{
    private const int KeepLimit = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The serialized bytes, valid until <see cref="Release"/> on this thread.</summary>
    public static ReadOnlyMemory<byte> Serialize<T>(T value, JsonTypeInfo<T> typeInfo, JsonWriterOptions options)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
        output.ResetWrittenCount();
        var json = writer;
        if (json is null || !SameOptions(json.Options, options))
        {
            json = writer = new Utf8JsonWriter(output, options);
        }
        else
        {
            json.Reset(output);
        }

        JsonSerializer.Serialize(json, value, typeInfo);
        json.Flush();
        return output.WrittenMemory;
    }

    /// <summary>Lets go of a buffer an unusually large answer grew; the next serialization starts from empty anyway.</summary>
    public static void Release()
    {
        if (buffer?.Capacity > KeepLimit)
        {
            buffer = null;
            writer = null;
        }
    }

    private static bool SameOptions(JsonWriterOptions a, JsonWriterOptions b) =>
        a.Encoder == b.Encoder && a.Indented == b.Indented && a.SkipValidation == b.SkipValidation;
}
