using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Remote;

/// <summary>
/// <see cref="IAuthorizationEngine"/> over an OpenFGA server's HTTP API, for deployments that outgrow the
/// embedded engine.
/// </summary>
/// <remarks>
/// Fail closed: when the server cannot be reached (refused, timed out, 5xx after the retries), a check
/// answers "denied" and a list answers empty, so an outage can never grant access; writes and reads throw,
/// so nothing is silently lost. Queries are idempotent and retried a few times with a short backoff;
/// writes are sent once, because a write that timed out may have been applied. Errors the server
/// answers (4xx with OpenFGA's <c>code</c>) surface as <see cref="AuthzException"/> with the same code.
/// </remarks>
public sealed class RemoteAuthorizationEngine(HttpClient http, RemoteEngineOptions options, TimeProvider? time = null) : IAuthorizationEngine
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async ValueTask<CheckResult> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default)
    {
        var response = await QueryOrNullAsync("check", OpenFgaWire.CheckBody(request, options.ModelId), cancellationToken);
        return new CheckResult(response is not null && (bool?)response["allowed"] == true);
    }

    public async ValueTask<IReadOnlyList<BatchCheckResult>> BatchCheckAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        var checks = new JsonArray();
        for (var i = 0; i < requests.Count; i++)
        {
            var item = OpenFgaWire.CheckBody(requests[i], modelId: null);
            item.Remove("authorization_model_id");
            item["correlation_id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            checks.Add(item);
        }

        var body = new JsonObject { ["checks"] = checks };
        if (options.ModelId is not null)
        {
            body["authorization_model_id"] = options.ModelId;
        }

        var response = await QueryOrNullAsync("batch-check", body, cancellationToken);
        var results = new List<BatchCheckResult>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var entry = response?["result"]?[i.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var error = entry?["error"] is JsonObject e
                ? new AuthzException(AuthzErrorCode.ValidationError, (string?)e["message"] ?? "check failed")
                : response is null ? new AuthzException(AuthzErrorCode.ValidationError, "The authorization server is unavailable; denied.") : null;
            results.Add(new BatchCheckResult(requests[i], error is null && (bool?)entry?["allowed"] == true, error));
        }

        return results;
    }

    public async ValueTask<ListObjectsResult> ListObjectsAsync(ListObjectsRequest request, CancellationToken cancellationToken = default)
    {
        var response = await QueryOrNullAsync("list-objects", OpenFgaWire.ListObjectsBody(request, options.ModelId), cancellationToken);
        return new ListObjectsResult([.. (response?["objects"] as JsonArray ?? []).Select(o => (string)o!).Distinct(StringComparer.Ordinal)]);
    }

    public async ValueTask<ListUsersResult> ListUsersAsync(ListUsersRequest request, CancellationToken cancellationToken = default)
    {
        var response = await QueryOrNullAsync("list-users", OpenFgaWire.ListUsersBody(request, options.ModelId), cancellationToken);
        return new ListUsersResult([.. (response?["users"] as JsonArray ?? []).Select(u => OpenFgaWire.UserText(u!)).Distinct(StringComparer.Ordinal)]);
    }

    public async ValueTask WriteAsync(WriteRequest request, CancellationToken cancellationToken = default)
        => await SendAsync(HttpMethod.Post, "write", OpenFgaWire.WriteBody(request, options.ModelId), idempotent: false, cancellationToken);

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken = default)
    {
        var tuples = new List<TupleKey>();
        string? continuation = null;
        do
        {
            var key = new JsonObject();
            if (request.Object is not null)
            {
                key["object"] = request.Object;
            }

            if (request.Relation is not null)
            {
                key["relation"] = request.Relation;
            }

            if (request.User is not null)
            {
                key["user"] = request.User;
            }

            var body = new JsonObject { ["page_size"] = 100 };
            if (key.Count > 0)
            {
                body["tuple_key"] = key;
            }

            if (!string.IsNullOrEmpty(continuation))
            {
                body["continuation_token"] = continuation;
            }

            var response = await SendAsync(HttpMethod.Post, "read", body, idempotent: true, cancellationToken);
            tuples.AddRange((response?["tuples"] as JsonArray ?? []).Select(t => OpenFgaWire.ReadKey(t!["key"]!)));
            continuation = (string?)response?["continuation_token"];
        }
        while (!string.IsNullOrEmpty(continuation));

        return new ReadResult(tuples);
    }

    public async ValueTask<string> WriteModelAsync(AuthorizationModel model, CancellationToken cancellationToken = default)
    {
        var body = JsonNode.Parse(ModelJson.Serialize(model))!.AsObject();
        body.Remove("id");
        var response = await SendAsync(HttpMethod.Post, "authorization-models", body, idempotent: false, cancellationToken);
        return (string?)response?["authorization_model_id"] ?? throw new AuthzException(AuthzErrorCode.ValidationError, "The server did not return a model id.");
    }

    public async ValueTask<StoredModel?> ReadModelAsync(string? modelId = null, CancellationToken cancellationToken = default)
    {
        JsonNode? model;
        try
        {
            model = modelId is null
                ? (await SendAsync(HttpMethod.Get, "authorization-models?page_size=1", null, idempotent: true, cancellationToken))?["authorization_models"]?.AsArray().FirstOrDefault()
                : (await SendAsync(HttpMethod.Get, $"authorization-models/{Uri.EscapeDataString(modelId)}", null, idempotent: true, cancellationToken))?["authorization_model"];
        }
        catch (AuthzException e) when (e.Code == AuthzErrorCode.AuthorizationModelNotFound)
        {
            return null;
        }

        return model is null ? null : new StoredModel((string?)model["id"] ?? string.Empty, ModelJson.Deserialize(model.ToJsonString()));
    }

    /// <summary>A query whose outage answers null (deny/empty) instead of throwing: the fail-closed path.</summary>
    private async Task<JsonNode?> QueryOrNullAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Post, path, body, idempotent: true, cancellationToken);
        }
        catch (RemoteUnavailableException)
        {
            return null;
        }
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, bool idempotent, CancellationToken cancellationToken)
    {
        var attempts = idempotent ? Math.Max(1, options.MaxAttempts) : 1;
        var uri = new Uri(options.ApiUrl, $"stores/{Uri.EscapeDataString(options.StoreId)}/{path}");
        var payload = body?.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            try
            {
                using var message = new HttpRequestMessage(method, uri);
                if (payload is not null)
                {
                    message.Content = new StringContent(payload, Encoding.UTF8, "application/json");
                }

                if (options.ApiToken is not null)
                {
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiToken);
                }

                using var response = await http.SendAsync(message, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return text.Length == 0 ? null : JsonNode.Parse(text);
                }

                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    throw new RemoteUnavailableException($"OpenFGA answered {(int)response.StatusCode}.");
                }

                throw ToAuthzException(response.StatusCode, text);
            }
            catch (Exception e) when (e is HttpRequestException or RemoteUnavailableException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    throw e as RemoteUnavailableException ?? new RemoteUnavailableException("OpenFGA is unreachable.", e);
                }

                await Task.Delay(options.RetryDelay * attempt, clock, cancellationToken);
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

        var mapped = code switch
        {
            "authorization_model_not_found" or "latest_authorization_model_not_found" => AuthzErrorCode.AuthorizationModelNotFound,
            "authorization_model_resolution_too_complex" => AuthzErrorCode.ResolutionTooComplex,
            "cannot_allow_duplicate_tuples_in_one_request" => AuthzErrorCode.DuplicateTuplesInOneRequest,
            "write_failed_due_to_invalid_input" => AuthzErrorCode.WriteFailedDueToInvalidInput,
            "type_not_found" => AuthzErrorCode.TypeNotFound,
            "relation_not_found" => AuthzErrorCode.RelationNotFound,
            "invalid_tuple" => AuthzErrorCode.InvalidTuple,
            "exceeded_entity_limit" => AuthzErrorCode.ExceededEntityLimit,
            "invalid_authorization_model" => AuthzErrorCode.InvalidAuthorizationModel,
            _ when status == HttpStatusCode.NotFound => AuthzErrorCode.AuthorizationModelNotFound,
            _ => AuthzErrorCode.ValidationError,
        };
        return new AuthzException(mapped, message ?? $"OpenFGA answered {(int)status}.");
    }
}

/// <summary>The server could not be reached or answered 5xx/429 on every attempt.</summary>
public sealed class RemoteUnavailableException : Exception
{
    public RemoteUnavailableException()
    {
    }

    public RemoteUnavailableException(string message)
        : base(message)
    {
    }

    public RemoteUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
