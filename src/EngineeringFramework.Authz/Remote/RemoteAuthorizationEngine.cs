using System.Globalization;
using System.Text.Json.Nodes;
using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Remote;

/// <summary>
/// <see cref="IAuthorizationEngine"/> over an OpenFGA server's HTTP API, for deployments that outgrow the
/// embedded engine.
/// </summary>
/// <remarks>
/// Fail closed and visibly: when the server cannot answer (refused, timed out, 5xx or 429 after the retries,
/// or it refuses our key), every call throws <see cref="AuthorizationUnavailableException"/>. An outage is
/// therefore never read as "denied" (which would look like a missing permission and answer 404) nor as
/// "allowed"; the product answers 503. Queries are idempotent and retried a few times with a short backoff;
/// a write is retried only when its options make a repeat harmless (ignore duplicates and missing deletes),
/// because a write that timed out may have been applied. Errors the server reports about the request
/// (4xx with OpenFGA's <c>code</c>) surface as <see cref="AuthzException"/> with the same code.
/// </remarks>
public sealed class RemoteAuthorizationEngine : IAuthorizationEngine
{
    private readonly OpenFgaConnection connection;
    private readonly RemoteEngineOptions options;
    private readonly string storePath;
    private volatile bool batchCheckUnsupported;

    public RemoteAuthorizationEngine(HttpClient http, RemoteEngineOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        connection = new OpenFgaConnection(http, options.ApiUrl, options.ApiToken, options.Timeout, options.MaxAttempts, options.RetryDelay, time ?? TimeProvider.System);
        storePath = $"stores/{Uri.EscapeDataString(options.StoreId)}/";
    }

    public async ValueTask<CheckResult> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync("check", OpenFgaWire.CheckBody(request, options.ModelId, options.Consistency), cancellationToken);
        return new CheckResult((bool?)response?["allowed"] == true);
    }

    /// <summary>
    /// Sends the checks in batches of <see cref="RemoteEngineOptions.MaxChecksPerBatch"/>; against a server without
    /// <c>batch-check</c> (OpenFGA before 1.8) it checks one by one, with the same per-entry errors.
    /// </summary>
    public async ValueTask<IReadOnlyList<BatchCheckResult>> BatchCheckAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new List<BatchCheckResult>(requests.Count);
        var size = Math.Max(1, options.MaxChecksPerBatch);
        for (var start = 0; start < requests.Count; start += size)
        {
            var chunk = requests.Skip(start).Take(size).ToList();
            if (!batchCheckUnsupported)
            {
                try
                {
                    results.AddRange(await BatchCheckChunkAsync(chunk, cancellationToken));
                    continue;
                }
                catch (AuthzException e) when (e.Data[OpenFgaConnection.StatusKey] is 404 && e.Code != AuthzErrorCode.StoreNotFound)
                {
                    batchCheckUnsupported = true;
                }
            }

            foreach (var request in chunk)
            {
                results.Add(await CheckOneForBatchAsync(request, cancellationToken));
            }
        }

        return results;
    }

    public async ValueTask<ListObjectsResult> ListObjectsAsync(ListObjectsRequest request, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync("list-objects", OpenFgaWire.ListObjectsBody(request, options.ModelId, options.Consistency), cancellationToken);
        return new ListObjectsResult([.. (response?["objects"] as JsonArray ?? []).Select(o => (string)o!).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>OpenFGA takes exactly one user filter per list-users call, so each filter is asked separately and the answers merged.</summary>
    public async ValueTask<ListUsersResult> ListUsersAsync(ListUsersRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var users = new List<string>();
        foreach (var filter in request.UserFilters.Count == 0 ? [null] : request.UserFilters.Select(f => (UserTypeFilter?)f))
        {
            var single = request with { UserFilters = filter is null ? [] : [filter] };
            var response = await QueryAsync("list-users", OpenFgaWire.ListUsersBody(single, options.ModelId, options.Consistency), cancellationToken);
            users.AddRange((response?["users"] as JsonArray ?? []).Select(u => OpenFgaWire.UserText(u!)));
        }

        return new ListUsersResult([.. users.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Up to <see cref="AuthorizationEngine.MaxTuplesPerWrite"/> tuples go in one all-or-nothing request. A larger
    /// request is sent as several (deletes first, then writes), which is not atomic as a whole: use it with the
    /// ignore options, so that repeating it after a partial failure is harmless.
    /// </summary>
    public async ValueTask WriteAsync(WriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Writes.Count == 0 && request.Deletes.Count == 0)
        {
            // Nothing to change, as for the embedded engine; OpenFGA would refuse the empty request.
            return;
        }

        foreach (var part in Chunks(request, AuthorizationEngine.MaxTuplesPerWrite))
        {
            var harmlessToRepeat = (part.Writes.Count == 0 || part.Options.IgnoreDuplicateWrites) && (part.Deletes.Count == 0 || part.Options.IgnoreMissingDeletes);
            await connection.SendAsync(HttpMethod.Post, storePath + "write", OpenFgaWire.WriteBody(part, options.ModelId), harmlessToRepeat, cancellationToken);
        }
    }

    /// <summary>Every stored tuple matching the filter, following continuation tokens to the end.</summary>
    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tuples = new List<TupleKey>();
        string? continuation = null;
        do
        {
            var body = OpenFgaWire.ReadBody(request, options.ReadPageSize, continuation, options.Consistency);
            var response = await connection.SendAsync(HttpMethod.Post, storePath + "read", body, idempotent: true, cancellationToken);
            tuples.AddRange((response?["tuples"] as JsonArray ?? []).Select(t => OpenFgaWire.ReadKey(t!["key"]!)));
            continuation = (string?)response?["continuation_token"];
        }
        while (!string.IsNullOrEmpty(continuation));

        return new ReadResult(tuples);
    }

    public async ValueTask<string> WriteModelAsync(AuthorizationModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var body = JsonNode.Parse(ModelJson.Serialize(model))!.AsObject();
        body.Remove("id");
        var response = await connection.SendAsync(HttpMethod.Post, storePath + "authorization-models", body, idempotent: false, cancellationToken);
        return (string?)response?["authorization_model_id"] ?? throw new AuthorizationUnavailableException("OpenFGA did not return the new model's id.");
    }

    public async ValueTask<StoredModel?> ReadModelAsync(string? modelId = null, CancellationToken cancellationToken = default)
    {
        JsonNode? model;
        try
        {
            model = modelId is null
                ? (await connection.SendAsync(HttpMethod.Get, storePath + "authorization-models?page_size=1", null, idempotent: true, cancellationToken))?["authorization_models"]?.AsArray().FirstOrDefault()
                : (await connection.SendAsync(HttpMethod.Get, storePath + $"authorization-models/{Uri.EscapeDataString(modelId)}", null, idempotent: true, cancellationToken))?["authorization_model"];
        }
        catch (AuthzException e) when (e.Code == AuthzErrorCode.AuthorizationModelNotFound)
        {
            return null;
        }

        return model is null ? null : new StoredModel((string?)model["id"] ?? string.Empty, ModelJson.Deserialize(model.ToJsonString()));
    }

    private Task<JsonNode?> QueryAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        connection.SendAsync(HttpMethod.Post, storePath + path, body, idempotent: true, cancellationToken);

    private async Task<List<BatchCheckResult>> BatchCheckChunkAsync(List<CheckRequest> chunk, CancellationToken cancellationToken)
    {
        var response = await QueryAsync("batch-check", OpenFgaWire.BatchCheckBody(chunk, options.ModelId, options.Consistency), cancellationToken);
        var results = new List<BatchCheckResult>(chunk.Count);
        for (var i = 0; i < chunk.Count; i++)
        {
            // An answer that leaves a check out, or failed it inside the server, says nothing about access.
            var entry = response?["result"]?[i.ToString(CultureInfo.InvariantCulture)]
                ?? throw new AuthorizationUnavailableException($"OpenFGA's batch-check answer has no result for check {i}.");
            if (entry["error"] is JsonObject error)
            {
                if (error["internal_error"] is not null && error["input_error"] is null)
                {
                    throw new AuthorizationUnavailableException($"OpenFGA failed check {i} of a batch: {(string?)error["message"]}");
                }

                var failure = new AuthzException(OpenFgaErrorCodes.FromName((string?)error["input_error"]), (string?)error["message"] ?? "check failed");
                results.Add(new BatchCheckResult(chunk[i], false, failure));
            }
            else
            {
                results.Add(new BatchCheckResult(chunk[i], (bool?)entry["allowed"] == true, null));
            }
        }

        return results;
    }

    private async Task<BatchCheckResult> CheckOneForBatchAsync(CheckRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return new BatchCheckResult(request, (await CheckAsync(request, cancellationToken)).Allowed, null);
        }
        catch (AuthzException e)
        {
            return new BatchCheckResult(request, false, e);
        }
    }

    private static IEnumerable<WriteRequest> Chunks(WriteRequest request, int limit)
    {
        if (request.Writes.Count + request.Deletes.Count <= limit)
        {
            yield return request;
            yield break;
        }

        for (var i = 0; i < request.Deletes.Count; i += limit)
        {
            yield return request with { Writes = [], Deletes = [.. request.Deletes.Skip(i).Take(limit)] };
        }

        for (var i = 0; i < request.Writes.Count; i += limit)
        {
            yield return request with { Writes = [.. request.Writes.Skip(i).Take(limit)], Deletes = [] };
        }
    }
}
