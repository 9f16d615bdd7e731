using System.Text.RegularExpressions;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Remote authorization mode: where OpenFGA is (<c>OPENFGA_API_URL</c>), which store and model to use, and the
/// preshared key. Without the URL the embedded engine serves. The key is a secret: never logged, never echoed in errors.
/// </summary>
internal sealed partial record OpenFgaSettings(Uri ApiUrl, string? StoreId, string? ModelId, string? ApiToken)
{
    public const string ApiUrlKey = "OPENFGA_API_URL";
    public const string StoreIdKey = "OPENFGA_STORE_ID";
    public const string ApiTokenKey = "OPENFGA_API_TOKEN";
    public const string ModelIdKey = "OPENFGA_MODEL_ID";

    /// <summary>Null when <c>OPENFGA_API_URL</c> is unset (embedded mode); then the other three must be unset too.</summary>
    public static OpenFgaSettings? Read(IConfiguration configuration, List<string> errors)
    {
        var rawUrl = configuration[ApiUrlKey];
        var storeId = Trimmed(configuration[StoreIdKey]);
        var modelId = Trimmed(configuration[ModelIdKey]);
        var token = Trimmed(configuration[ApiTokenKey]);
        if (string.IsNullOrWhiteSpace(rawUrl))
        {
            // Set without the URL they would be silently ignored, and the operator would believe OpenFGA decides.
            foreach (var (key, value) in new[] { (StoreIdKey, storeId), (ModelIdKey, modelId), (ApiTokenKey, token) })
            {
                if (value is not null)
                {
                    errors.Add($"{key} is set but {ApiUrlKey} is not; set {ApiUrlKey} to use OpenFGA, or unset {key} to use the embedded engine.");
                }
            }

            return null;
        }

        var valid = true;
        if (!Uri.TryCreate(rawUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors.Add($"{ApiUrlKey} must be an absolute http(s) URL without credentials, query or fragment (for example http://openfga:8080/).");
            valid = false;
        }

        if (storeId is not null && !Ulid().IsMatch(storeId))
        {
            errors.Add($"{StoreIdKey} must be an OpenFGA store id (a ULID: 26 characters such as 01HVMMBCMGZNT3SED4Z17ECXCA).");
            valid = false;
        }

        if (modelId is not null && !Ulid().IsMatch(modelId))
        {
            errors.Add($"{ModelIdKey} must be an OpenFGA authorization model id (a ULID: 26 characters such as 01HVMMBCMGZNT3SED4Z17ECXCA).");
            valid = false;
        }

        if (configuration[ApiTokenKey] is { } rawToken && rawToken.Length > 0 && (token is null || token.Any(char.IsWhiteSpace) || token.Any(char.IsControl)))
        {
            errors.Add($"{ApiTokenKey} must be the preshared key, without spaces or control characters.");
            valid = false;
        }

        return valid ? new OpenFgaSettings(url!, storeId, modelId, token) : null;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    private static partial Regex Ulid();

    // The record's generated ToString would print the key.
    public override string ToString() => $"OpenFGA at {ApiUrl}, store {StoreId ?? "(none)"}, model {ModelId ?? "(latest)"}";
}
