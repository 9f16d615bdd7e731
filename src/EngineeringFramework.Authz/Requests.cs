using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz;

/// <summary>Does <see cref="User"/> have <see cref="Relation"/> on <see cref="Object"/>? Contextual tuples count as stored for this call only.</summary>
public sealed record CheckRequest(string User, string Relation, string Object)
{
    public IReadOnlyList<TupleKey> ContextualTuples { get; init; } = [];

    /// <summary>The model to evaluate against; null means the latest written model.</summary>
    public string? ModelId { get; init; }
}

public sealed record CheckResult(bool Allowed);

/// <summary>One entry of a BatchCheck answer: either a result or the error that entry's check raised.</summary>
public sealed record BatchCheckResult(CheckRequest Request, bool Allowed, AuthzException? Error);

/// <summary>Objects of <see cref="Type"/> on which <see cref="User"/> has <see cref="Relation"/>.</summary>
public sealed record ListObjectsRequest(string User, string Relation, string Type)
{
    public IReadOnlyList<TupleKey> ContextualTuples { get; init; } = [];

    public string? ModelId { get; init; }

    /// <summary>Stops after this many objects; 0 means no limit.</summary>
    public int MaxResults { get; init; }
}

public sealed record ListObjectsResult(IReadOnlyList<string> Objects);

/// <summary>A ListUsers filter: plain users of <see cref="Type"/>, or usersets <c>type:id#relation</c> when <see cref="Relation"/> is set.</summary>
public sealed record UserTypeFilter(string Type, string? Relation = null);

/// <summary>Users (filtered by type) that have <see cref="Relation"/> on <see cref="Object"/>.</summary>
public sealed record ListUsersRequest(string Object, string Relation, IReadOnlyList<UserTypeFilter> UserFilters)
{
    public IReadOnlyList<TupleKey> ContextualTuples { get; init; } = [];

    public string? ModelId { get; init; }
}

/// <summary>Users as strings: <c>user:anne</c>, <c>user:*</c> or <c>group:eng#member</c>.</summary>
public sealed record ListUsersResult(IReadOnlyList<string> Users);

/// <summary>What a write does with a tuple that already exists or a delete of a missing one.</summary>
public sealed record WriteOptions(bool IgnoreDuplicateWrites = false, bool IgnoreMissingDeletes = false)
{
    public static WriteOptions Default { get; } = new();
}

public sealed record WriteRequest
{
    public IReadOnlyList<TupleKey> Writes { get; init; } = [];

    public IReadOnlyList<TupleKey> Deletes { get; init; } = [];

    public WriteOptions Options { get; init; } = WriteOptions.Default;

    public string? ModelId { get; init; }
}

/// <summary>Reads stored tuples; each field narrows the result when set (<see cref="Object"/> may be just <c>type:</c>).</summary>
public sealed record ReadRequest(string? Object = null, string? Relation = null, string? User = null);

public sealed record ReadResult(IReadOnlyList<TupleKey> Tuples);

/// <summary>A model as stored by the engine, with its id.</summary>
public sealed record StoredModel(string Id, AuthorizationModel Model);
