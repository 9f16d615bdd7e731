using System.Security.Cryptography;
using EngineeringFramework.Server.Hosting;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// Who signs users in: the embedded authority (a PEM RSA signing key, generated once in Development) or an
/// external OIDC provider (<c>AUTH_AUTHORITY</c> and its client). Read and validated with the other settings,
/// every problem named by its setting; security configuration that is missing stops the process, it never
/// silently turns authentication off.
/// </summary>
internal sealed record IdentitySettings
{
    public const string SigningKeyKey = "AUTH_SIGNING_KEY";
    public const string PreviousSigningKeyKey = "AUTH_SIGNING_KEY_PREVIOUS";
    public const string AuthorityKey = "AUTH_AUTHORITY";
    public const string ClientIdKey = "AUTH_CLIENT_ID";
    public const string ClientSecretKey = "AUTH_CLIENT_SECRET";
    public const string AudiencesKey = "AUTH_AUDIENCES";
    public const string SmtpHostKey = "SMTP_HOST";
    public const string SmtpPortKey = "SMTP_PORT";
    public const string SmtpUsernameKey = "SMTP_USERNAME";
    public const string SmtpPasswordKey = "SMTP_PASSWORD";
    public const string SmtpFromKey = "SMTP_FROM";
    public const string MaxFailedAccessAttemptsKey = "Identity:MaxFailedAccessAttempts";
    public const string LockoutMinutesKey = "Identity:LockoutMinutes";

    /// <summary>PEM of the current signing key; null in Development until a key is generated into DATA_DIR.</summary>
    public string? SigningKeyPem { get; init; }

    /// <summary>PEM of the key being rotated out: still published and accepted, never used to sign.</summary>
    public string? PreviousSigningKeyPem { get; init; }

    /// <summary>The external issuer; null means the embedded authority runs in this process.</summary>
    public Uri? Authority { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>External mode: exactly two distinct audiences, the REST API's first, then the MCP server's.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    public SmtpSettings? Smtp { get; init; }

    public int MaxFailedAccessAttempts { get; init; } = 5;

    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    public bool IsExternal => Authority is not null;

    public static (IdentitySettings? Settings, IReadOnlyList<string> Errors) Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var errors = new List<string>();
        // Production's rules (no generated signing key, https issuers) for every environment but exactly Development.
        var production = !Hosting.DeploymentEnvironment.IsDevelopment(environment);
        var signingKey = Blank(configuration[SigningKeyKey]);
        var previousKey = Blank(configuration[PreviousSigningKeyKey]);
        var authorityRaw = Blank(configuration[AuthorityKey]);

        Uri? authority = null;
        string? clientId = null, clientSecret = null;
        List<string> audiences = [];
        if (authorityRaw is not null)
        {
            if (!Uri.TryCreate(authorityRaw, UriKind.Absolute, out authority)
                || (authority.Scheme != Uri.UriSchemeHttps && !(authority.Scheme == Uri.UriSchemeHttp && !production)))
            {
                errors.Add($"{AuthorityKey} must be an absolute https URL of the OIDC issuer (http is accepted in Development only).");
            }

            clientId = Required(configuration, ClientIdKey, errors);
            clientSecret = Required(configuration, ClientSecretKey, errors);
            audiences = [.. (configuration[AudiencesKey] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            if (audiences.Count == 0)
            {
                errors.Add($"{AudiencesKey} is not set; with {AuthorityKey} it lists the two accepted token audiences, the REST API's first, then the MCP server's, comma-separated.");
            }
            else if (audiences.Count != 2 || SameAudience(audiences[0], audiences[1]))
            {
                // One audience for both surfaces would make every API token an MCP token too: a token handed to a script
                // for the API could drive an agent, and MCP's own audience check would mean nothing. Refuse to guess.
                errors.Add($"{AudiencesKey} must name exactly two different audiences, the REST API's first, then the MCP server's (for example https://ef.example.com/api,https://ef.example.com/mcp); it has {Describe(audiences)}.");
            }

            // Two authorities at once would leave it unclear whose tokens count: refuse rather than guess.
            if (signingKey is not null || previousKey is not null)
            {
                errors.Add($"{SigningKeyKey} and {AuthorityKey} are both set; the embedded authority signs tokens only when no external authority is configured. Remove one.");
            }
        }
        else
        {
            if (signingKey is null && production)
            {
                errors.Add($"Neither {SigningKeyKey} nor {AuthorityKey} is set: set {SigningKeyKey} (a PEM RSA private key of 2048 bits or more) for the embedded sign-in authority, or {AuthorityKey} with {ClientIdKey}, {ClientSecretKey} and {AudiencesKey} for an external one.");
            }

            ValidateKey(SigningKeyKey, signingKey, errors);
            ValidateKey(PreviousSigningKeyKey, previousKey, errors);
            if (previousKey is not null && signingKey is null)
            {
                errors.Add($"{PreviousSigningKeyKey} is set without {SigningKeyKey}: rotation needs the new key as the current one.");
            }
        }

        var smtp = SmtpSettings.Read(configuration, errors);
        var maxFailures = SettingValues.ReadInt(configuration, MaxFailedAccessAttemptsKey, 5, 1, 100, errors);
        var lockoutMinutes = SettingValues.ReadInt(configuration, LockoutMinutesKey, 15, 1, 7 * 24 * 60, errors);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new IdentitySettings
        {
            SigningKeyPem = signingKey,
            PreviousSigningKeyPem = previousKey,
            Authority = authority,
            ClientId = clientId,
            ClientSecret = clientSecret,
            Audiences = audiences,
            Smtp = smtp,
            MaxFailedAccessAttempts = maxFailures,
            LockoutDuration = TimeSpan.FromMinutes(lockoutMinutes),
        }, errors);
    }

    // Records print every member; private keys and the client secret must never reach a log line.
    public override string ToString() => IsExternal ? $"external authority {Authority}" : "embedded authority";

    // Token validation ignores a trailing slash on audiences by default, so "…/api" and "…/api/" would accept each
    // other's tokens; a difference in case alone is no real second audience either.
    private static bool SameAudience(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Describe(List<string> audiences)
        => audiences.Count == 2 ? "the same audience twice" : $"{audiences.Count} entr{(audiences.Count == 1 ? "y" : "ies")}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Required(IConfiguration configuration, string key, List<string> errors)
    {
        var value = Blank(configuration[key]);
        if (value is null)
        {
            errors.Add($"{key} is not set; it is required when {AuthorityKey} is set.");
        }

        return value;
    }

    private static void ValidateKey(string key, string? pem, List<string> errors)
    {
        if (pem is null)
        {
            return;
        }

        // The message never echoes the value: it is a private key.
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            errors.Add($"{key} is not a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).");
            return;
        }
        catch (CryptographicException)
        {
            errors.Add($"{key} is not a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).");
            return;
        }

        if (rsa.KeySize < 2048)
        {
            errors.Add($"{key} is a {rsa.KeySize}-bit RSA key; it must be 2048 bits or more.");
            return;
        }

        try
        {
            _ = rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            errors.Add($"{key} holds a public key only; it must be the private key that signs tokens.");
        }
    }
}
