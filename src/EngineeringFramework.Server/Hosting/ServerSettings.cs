using System.Net;
using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Core.Data;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// The deployment-level settings, read from plain environment variables (or any configuration source
/// under the same key) and validated before the server listens. Every problem is reported, each naming
/// its setting; outside Development (see <see cref="DeploymentEnvironment"/>) a single problem stops the process.
/// </summary>
internal sealed record ServerSettings
{
    public const string PublicUrlKey = "PUBLIC_URL";
    public const string DatabaseUrlKey = "DATABASE_URL";
    public const string EncryptionKeyKey = "ENCRYPTION_KEY";
    public const string CorsAllowedOriginsKey = "CORS_ALLOWED_ORIGINS";
    public const string DataDirKey = "DATA_DIR";
    public const string TrustedProxiesKey = "TRUSTED_PROXIES";
    public const string MigrateOnStartKey = "MIGRATE_ON_START";
    public const string GitHubApiUrlKey = "GITHUB_API_URL";

    public required Uri PublicUrl { get; init; }

    public required DatabaseConnection Database { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>Null in Development until <see cref="DevelopmentKeys"/> provides one.</summary>
    public EncryptionKey? EncryptionKey { get; init; }

    public required IReadOnlyList<string> CorsAllowedOrigins { get; init; }

    public required IReadOnlyList<IPAddress> TrustedProxies { get; init; }

    public required IReadOnlyList<System.Net.IPNetwork> TrustedNetworks { get; init; }

    public required bool MigrateOnStart { get; init; }

    /// <summary>The GitHub REST API root (with a trailing slash): github.com's, or a GitHub Enterprise Server's <c>/api/v3/</c>.</summary>
    public required Uri GitHubApiUrl { get; init; }

    /// <summary>Where to report vulnerabilities (a <c>mailto:</c> or <c>https:</c> URI), or null when none is published.</summary>
    public Uri? SecurityContact { get; init; }

    /// <summary>Remote authorization mode; null: the embedded engine.</summary>
    public OpenFgaSettings? OpenFga { get; init; }

    public static (ServerSettings? Settings, IReadOnlyList<string> Errors) Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var errors = new List<string>();
        if (DeploymentEnvironment.Problem(environment) is { } environmentProblem)
        {
            errors.Add(environmentProblem);
        }

        // Production's rules for every environment but exactly Development (DeploymentEnvironment says why).
        var production = !DeploymentEnvironment.IsDevelopment(environment);

        var dataDirectory = Path.GetFullPath(configuration[DataDirKey] is { Length: > 0 } dir ? dir : "data");

        var publicUrl = ReadPublicUrl(configuration, production, errors);

        DatabaseConnection? database = null;
        try
        {
            database = DatabaseConnection.Parse(configuration[DatabaseUrlKey], dataDirectory);
        }
        catch (FormatException e)
        {
            errors.Add($"{DatabaseUrlKey} is malformed: {e.Message}");
        }

        EncryptionKey? key = null;
        var rawKey = configuration[EncryptionKeyKey];
        if (production || !string.IsNullOrEmpty(rawKey))
        {
            if (!EncryptionKey.TryParse(rawKey, out key, out var problem))
            {
                errors.Add($"{EncryptionKeyKey} {problem}");
            }
        }

        var origins = ReadOrigins(configuration[CorsAllowedOriginsKey], errors);
        var (proxies, networks) = ReadProxies(configuration[TrustedProxiesKey], errors);

        var migrateOnStart = !production;
        if (configuration[MigrateOnStartKey] is { Length: > 0 } migrate)
        {
            if (bool.TryParse(migrate, out var value))
            {
                migrateOnStart = value;
            }
            else
            {
                errors.Add($"{MigrateOnStartKey} must be true or false.");
            }
        }

        var gitHubApiUrl = ReadGitHubApiUrl(configuration[GitHubApiUrlKey], errors);
        var securityContact = Hosting.SecurityContact.Read(configuration[Hosting.SecurityContact.Key], errors);
        var openFga = OpenFgaSettings.Read(configuration, errors);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ServerSettings
        {
            PublicUrl = publicUrl!,
            Database = database!,
            DataDirectory = dataDirectory,
            EncryptionKey = key,
            CorsAllowedOrigins = origins,
            TrustedProxies = proxies,
            TrustedNetworks = networks,
            MigrateOnStart = migrateOnStart,
            GitHubApiUrl = gitHubApiUrl!,
            SecurityContact = securityContact,
            OpenFga = openFga,
        }, errors);
    }

    private static Uri? ReadGitHubApiUrl(string? raw, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new Uri("https://api.github.com/");
        }

        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add($"{GitHubApiUrlKey} must be an absolute http(s) URL without credentials, query or fragment (https://api.github.com/, or https://github.example.com/api/v3/ for GitHub Enterprise Server).");
            return null;
        }

        // A trailing slash, so relative API paths resolve under it rather than replacing its last segment.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static Uri? ReadPublicUrl(IConfiguration configuration, bool production, List<string> errors)
    {
        var raw = configuration[PublicUrlKey];
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (production)
            {
                errors.Add($"{PublicUrlKey} is not set; it must be the external https base URL of this server (for example https://ef.example.com).");
                return null;
            }

            // Development: the first listening address, so issuer and resource URIs match what a browser uses.
            var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5000";
            raw = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        }

        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors.Add($"{PublicUrlKey} must be an absolute http(s) URL without query or fragment.");
            return null;
        }

        if (production && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{PublicUrlKey} must use https in Production: tokens and session cookies travel over it.");
            return null;
        }

        // Canonical form without a trailing slash, so "{PUBLIC_URL}/api" is always one slash.
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    private static List<string> ReadOrigins(string? raw, List<string> errors)
    {
        var origins = new List<string>();
        foreach (var entry in (raw ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Uri.TryCreate(entry, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && !entry.Contains('*', StringComparison.Ordinal))
            {
                origins.Add(uri.GetLeftPart(UriPartial.Authority));
            }
            else
            {
                errors.Add($"{CorsAllowedOriginsKey} entry '{entry}' is not an origin (scheme://host[:port], no path, no wildcard).");
            }
        }

        return origins;
    }

    private static (List<IPAddress>, List<System.Net.IPNetwork>) ReadProxies(string? raw, List<string> errors)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (raw ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                errors.Add($"{TrustedProxiesKey} entry '{entry}' is neither an IP address nor a CIDR network.");
            }
        }

        return (proxies, networks);
    }
}
