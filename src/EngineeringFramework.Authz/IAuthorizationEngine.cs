using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz;

/// <summary>
/// OpenFGA's query and write API. Implemented in process by <see cref="AuthorizationEngine"/>; a remote
/// adapter over OpenFGA's HTTP API can implement it too. Failures are <see cref="AuthzException"/> with OpenFGA's codes.
/// </summary>
public interface IAuthorizationEngine
{
    /// <summary>Validates and stores a model, which becomes the latest; returns its id.</summary>
    ValueTask<string> WriteModelAsync(AuthorizationModel model, CancellationToken cancellationToken = default);

    /// <summary>The model with this id, or the latest when null; null when there is none.</summary>
    ValueTask<StoredModel?> ReadModelAsync(string? modelId = null, CancellationToken cancellationToken = default);

    ValueTask<CheckResult> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<BatchCheckResult>> BatchCheckAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default);

    ValueTask<ListObjectsResult> ListObjectsAsync(ListObjectsRequest request, CancellationToken cancellationToken = default);

    ValueTask<ListUsersResult> ListUsersAsync(ListUsersRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes and deletes tuples, all or nothing (at most 100 in total).</summary>
    ValueTask WriteAsync(WriteRequest request, CancellationToken cancellationToken = default);

    ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken = default);
}
