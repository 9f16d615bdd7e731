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

    /// <summary>Per attempt. A permission check that waits longer than this is worse than a denial.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts for idempotent calls (queries); writes are sent once.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
