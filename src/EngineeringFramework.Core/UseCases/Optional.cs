using System.Text.Json;
using System.Text.Json.Serialization;

namespace EngineeringFramework.Core.UseCases;

/// <summary>
/// One field of a partial update: absent (keep what is stored) or present with a value, which may be null
/// (clear it). A plain nullable cannot tell "not sent" from "sent as null"; merge-patch semantics need both.
/// From JSON, a missing property stays absent and any property that is there, null included, is present.
/// </summary>
[JsonConverter(typeof(OptionalJsonConverterFactory))]
public readonly record struct Optional<T>
{
    public Optional(T value)
    {
        IsPresent = true;
        Value = value;
    }

    public bool IsPresent { get; }

    /// <summary>The value sent; the type's default when absent.</summary>
    public T Value { get; }

    /// <summary>The value sent, or <paramref name="current"/> when the field was absent.</summary>
    public T Or(T current) => IsPresent ? Value : current;

    public static Optional<T> Of(T value) => new(value);

    public static implicit operator Optional<T>(T value) => new(value);
}

/// <summary>Reads a present property (null included) as a present <see cref="Optional{T}"/>; the value itself is read as <c>T</c> would be.</summary>
internal sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
        => typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(OptionalJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalJsonConverter<T> : JsonConverter<Optional<T>>
    {
        // A JSON null must reach Read: it is a present value that clears the field.
        public override bool HandleNull => true;

        /// <remarks>
        /// The value goes straight to <c>T</c>'s own converter rather than through a nested deserialization, so a
        /// conversion error surfaces with this property's path (<c>$.targetDate</c>) and can be reported by name.
        /// A JSON null for a non-nullable value type is refused like any other wrong value.
        /// </remarks>
        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                // Null is a value only for reference and nullable types; the serializer adds the property's path.
                return default(T) is null ? new(default!) : throw new JsonException($"null is not a value of {typeof(T).Name}.");
            }

            var converter = (JsonConverter<T>)options.GetConverter(typeof(T));
            return new(converter.Read(ref reader, typeof(T), options)!);
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
            => JsonSerializer.Serialize(writer, value.Value, options);
    }
}
