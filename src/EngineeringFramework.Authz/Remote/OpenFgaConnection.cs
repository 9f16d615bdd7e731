using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace EngineeringFramework.Authz.Remote;

/// <summary>
/// Sends one call to OpenFGA's HTTP API and reads the answer: retries what may be retried, turns an answer
/// that is not about the request (unreachable, timeout, 5xx, 429, refused credentials) into
/// <see cref="AuthorizationUnavailableException"/>, and an error OpenFGA reports about the request into
/// <see cref="AuthzException"/> with OpenFGA's code.
/// </summary>
internal sealed class OpenFgaConnection(HttpClient http, Uri apiUrl, string? apiToken, TimeSpan timeout, int maxAttempts, TimeSpan retryDelay, TimeProvider clock)
{
    /// <summary>Keys of <see cref="Exception.Data"/> holding the code OpenFGA sent and the HTTP status.</summary>
    public const string ServerCodeKey = "openfga.code";
    public const string StatusKey = "openfga.status";

    // "https://host/fga" and "https://host/fga/" name the same API; relative paths resolve under it only with the slash.
    private readonly Uri root = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, bool idempotent, CancellationToken cancellationToken)
    {
        var attempts = idempotent ? Math.Max(1, maxAttempts) : 1;
        var uri = new Uri(root, path);
        var payload = body?.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                using var message = new HttpRequestMessage(method, uri);
                if (payload is not null)
                {
                    message.Content = new StringContent(payload, Encoding.UTF8, "application/json");
                }

                if (apiToken is not null)
                {
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
                }

                using var response = await http.SendAsync(message, deadline.Token);
                var text = await response.Content.ReadAsStringAsync(deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return text.Length == 0 ? null : JsonNode.Parse(text);
                }

                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    throw new TransientFailure($"OpenFGA answered {(int)response.StatusCode} to {method} {path}.");
                }

                // A wrong or missing key is a deployment fault, not an answer about access: never retried, never "denied".
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw new AuthorizationUnavailableException($"OpenFGA refused our credentials ({(int)response.StatusCode}): the preshared key sent as bearer token is missing or wrong.");
                }

                throw ToAuthzException(response.StatusCode, text);
            }
            catch (Exception e) when (e is HttpRequestException or TransientFailure or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    throw new AuthorizationUnavailableException(
                        e is TransientFailure ? e.Message : $"OpenFGA at {root} did not answer {method} {path}: {e.Message}", e);
                }

                await Task.Delay(retryDelay * attempt, clock, cancellationToken);
            }
        }
    }

    private static AuthzException ToAuthzException(HttpStatusCode status, string text)
    {
        string? code = null;
        string? message = null;
        try
        {
            var error = JsonNode.Parse(text);
            code = (string?)error?["code"];
            message = (string?)error?["message"];
        }
        catch (System.Text.Json.JsonException)
        {
            // A proxy's HTML error page: keep the status only.
        }

        var exception = new AuthzException(OpenFgaErrorCodes.FromName(code), message ?? $"OpenFGA answered {(int)status}.");
        exception.Data[ServerCodeKey] = code;
        exception.Data[StatusKey] = (int)status;
        return exception;
    }

    private sealed class TransientFailure(string message) : Exception(message);
}
