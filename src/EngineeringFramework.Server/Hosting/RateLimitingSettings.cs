using System.ComponentModel.DataAnnotations;

namespace EngineeringFramework.Server.Hosting;

/// <summary>Global rate limit, configuration section <c>RateLimiting</c> (env: <c>RateLimiting__PermitLimit</c>…).</summary>
internal sealed class RateLimitingSettings
{
    public const string Section = "RateLimiting";

    /// <summary>Requests allowed per partition (user, or client address when anonymous) per window.</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;
}
