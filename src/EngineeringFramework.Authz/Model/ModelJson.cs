using System.Text.Json;
using System.Text.Json.Serialization;

namespace EngineeringFramework.Authz.Model;

/// <summary>Reads and writes models in OpenFGA's JSON shape.</summary>
public static class ModelJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        PropertyNameCaseInsensitive = false,
    };

    public static string Serialize(AuthorizationModel model) => JsonSerializer.Serialize(model, Options);

    public static JsonElement ToElement(AuthorizationModel model) => JsonSerializer.SerializeToElement(model, Options);

    /// <summary>Parses a model from JSON; throws <see cref="InvalidModelException"/> when it is not well formed.</summary>
    public static AuthorizationModel Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AuthorizationModel>(json, Options)
                ?? throw new InvalidModelException([new ModelError(null, "the model JSON is empty")]);
        }
        catch (JsonException ex)
        {
            throw new InvalidModelException([new ModelError(null, "the model JSON is malformed: " + ex.Message)]);
        }
    }
}
