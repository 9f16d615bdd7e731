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

    /// <summary>
    /// OAuth client registrations (RFC 7591) accepted per client address per hour, on top of the global limit: each one
    /// is a stored row that anyone can create, so one address must not be able to fill the table.
    /// </summary>
    [Range(1, 10_000)]
    public int ClientRegistrationsPerHour { get; set; } = 20;
}
