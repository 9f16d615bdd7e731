namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// The one environment rule: only an environment named exactly <c>Development</c> gets the conveniences of a developer's
/// machine (generated keys in DATA_DIR, an http PUBLIC_URL, migrations on start, exception details). Every other name
/// (<c>Production</c>, <c>Staging</c>, <c>Test</c>, a typo) runs with Production's rules, so a deployment that is not
/// called Production never quietly loses its protections.
/// </summary>
/// <remarks>
/// ASP.NET Core compares environment names case-insensitively: for <c>development</c> it turns on the developer
/// exception page and loads no <c>appsettings.Development.json</c> on a case-sensitive file system. Such a process would
/// be half development and half production, so a name that is <c>Development</c> in another case is refused at start-up
/// (<see cref="Problem"/>) rather than guessed at. Once that refusal has run, the framework's own
/// <c>IsDevelopment()</c>, used by cookie, header and error settings, agrees with <see cref="IsDevelopment"/>.
/// </remarks>
internal static class DeploymentEnvironment
{
    public const string EnvironmentKey = "ASPNETCORE_ENVIRONMENT";

    public static bool IsDevelopment(IHostEnvironment environment)
        => string.Equals(environment.EnvironmentName, Environments.Development, StringComparison.Ordinal);

    /// <summary>The refusal for a name that spells Development in another case, or null.</summary>
    public static string? Problem(IHostEnvironment environment)
        => !IsDevelopment(environment) && string.Equals(environment.EnvironmentName, Environments.Development, StringComparison.OrdinalIgnoreCase)
            ? $"{EnvironmentKey} is '{environment.EnvironmentName}': environment names are case-sensitive here. Use exactly 'Development' on a developer's machine; any other name (such as 'Production' or 'Staging') runs with Production's rules."
            : null;

    /// <summary>How the start-up error names the environment, so "Staging" is not mistaken for a relaxed mode.</summary>
    public static string Describe(IHostEnvironment environment)
        => IsDevelopment(environment) || environment.EnvironmentName == Environments.Production
            ? environment.EnvironmentName
            : $"{environment.EnvironmentName}, which runs with Production's rules";
}
