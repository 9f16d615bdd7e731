using Npgsql;

namespace EngineeringFramework.Core.Data;

/// <summary>Where the data lives: the provider and an ADO.NET connection string for it.</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>
    /// Reads <c>DATABASE_URL</c>. Accepts a <c>postgres://user:pass@host:5432/db?sslmode=require</c> URL,
    /// an Npgsql keyword connection string (<c>Host=…;Database=…</c>), or a SQLite one (<c>Data Source=…</c>).
    /// Empty means the embedded default: a SQLite file in <paramref name="dataDirectory"/>.
    /// </summary>
    /// <exception cref="FormatException">The value is none of the accepted forms; the message says why (never echoes the password).</exception>
    public static DatabaseConnection Parse(string? databaseUrl, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(databaseUrl))
        {
            var file = Path.Combine(Path.GetFullPath(dataDirectory), "engineering-framework.db");
            return new(DatabaseProvider.Sqlite, $"Data Source={file}");
        }

        var value = databaseUrl.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.Postgres, WithPoolDefaults(FromPostgresUrl(value)));
        }

        if (value.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.Sqlite, value);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new FormatException("it is neither a postgres:// URL nor a connection string with Host=.");
            }

            return new(DatabaseProvider.Postgres, WithPoolDefaults(builder.ConnectionString));
        }
        catch (ArgumentException)
        {
            throw new FormatException("it is neither a postgres:// URL nor a valid Npgsql connection string.");
        }
    }

    /// <summary>Npgsql's <c>Connection Idle Lifetime</c> when the operator sets none, in seconds.</summary>
    /// <remarks>
    /// Npgsql's own default, 300 s, closes every connection the pool has not needed for five minutes, all at once,
    /// and a busy server then opens them again under load: each new PostgreSQL backend is forked and warms its
    /// caches while requests wait. Under a steady 400 req/s that was a stall of most of a second every five minutes
    /// (bench/README.md, "The five-minute stall"); with an hour the run had none. A pool keeps at most
    /// <c>Maximum Pool Size</c> connections (100) either way; this only keeps warm ones open longer.
    /// </remarks>
    public const int DefaultConnectionIdleLifetimeSeconds = 3600;

    /// <summary>Npgsql's <c>Keepalive</c> when the operator sets none, in seconds.</summary>
    /// <remarks>
    /// Connections now stay idle up to an hour, longer than many load balancers and NAT gateways keep a silent TCP
    /// connection (AWS's is 350 s). A keepalive query on an idle connection every minute keeps the path open, so a
    /// pooled connection is not found dead by the next request.
    /// </remarks>
    public const int DefaultKeepaliveSeconds = 60;

    // An operator's own value always wins: only keywords absent from their string are added.
    private static string WithPoolDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Connection Idle Lifetime"))
        {
            builder.ConnectionIdleLifetime = DefaultConnectionIdleLifetimeSeconds;
        }

        if (!given.ContainsKey("Keepalive"))
        {
            builder.KeepAlive = DefaultKeepaliveSeconds;
        }

        return builder.ConnectionString;
    }

    private static string FromPostgresUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("the postgres:// URL is malformed.");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            throw new FormatException("the postgres:// URL names no database.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
        };

        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        // Query parameters (sslmode, trust server certificate, root certificate, timeouts…) pass through
        // to Npgsql unchanged, so TLS is configured the way the operator's provider documents it.
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var val = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            try
            {
                builder[NormalizeKey(key)] = val;
            }
            catch (ArgumentException)
            {
                throw new FormatException($"the postgres:// URL has an unknown parameter '{key}'.");
            }
        }

        return builder.ConnectionString;
    }

    // libpq spells these with underscores or lowercase; Npgsql wants its own keywords.
    private static string NormalizeKey(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "sslrootcert" => "Root Certificate",
        "sslcert" => "SSL Certificate",
        "sslkey" => "SSL Key",
        "sslpassword" => "SSL Password",
        "connect_timeout" => "Timeout",
        "application_name" => "Application Name",
        _ => key,
    };
}
