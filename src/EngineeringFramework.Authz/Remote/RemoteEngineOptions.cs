namespace EngineeringFramework.Authz.Remote;

/// <summary>Where the OpenFGA server is and how patiently to talk to it.</summary>
public sealed record RemoteEngineOptions
{
    /// <summary>The API's base address, e.g. <c>https://openfga.internal:8080/</c>.</summary>
    public required Uri ApiUrl { get; init; }

    public required string StoreId { get; init; }

    /// <summary>Pins every query to one model; null uses the store's latest.</summary>
    public string? ModelId { get; init; }

    /// <summary>Pre-shared key sent as a bearer token, when the server requires one.</summary>
    public string? ApiToken { get; init; }

    /// <summary>
    /// OpenFGA's consistency preference sent with every query: <c>MINIMIZE_LATENCY</c>, <c>HIGHER_CONSISTENCY</c>
    /// (skips the server's caches, so a tuple written a moment ago counts), or null for the server's default.
    /// </summary>
    public string? Consistency { get; init; }

    /// <summary>Per attempt. A permission check that waits longer than this is worse than a denial.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts for idempotent calls (queries, and writes that ignore duplicates and missing deletes).</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks per batch-check request; OpenFGA's default limit is 50.</summary>
    public int MaxChecksPerBatch { get; init; } = 50;

    /// <summary>Tuples per read page; OpenFGA accepts 1 to 100.</summary>
    public int ReadPageSize { get; init; } = 100;
}
