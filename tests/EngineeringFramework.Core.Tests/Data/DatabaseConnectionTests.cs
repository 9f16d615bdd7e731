using EngineeringFramework.Core.Data;
using Npgsql;

namespace EngineeringFramework.Core.Tests.Data;

public sealed class DatabaseConnectionTests
{
    [Fact]
    public void Empty_database_url_means_a_sqlite_file_in_the_data_folder()
    {
        var connection = DatabaseConnection.Parse(null, "/var/lib/ef");

        Assert.Equal(DatabaseProvider.Sqlite, connection.Provider);
        Assert.Equal("Data Source=/var/lib/ef/engineering-framework.db", connection.ConnectionString);
    }

    [Fact]
    public void Postgres_url_becomes_an_npgsql_connection_string_with_tls_settings_passed_through()
    {
        var connection = DatabaseConnection.Parse("postgres://app%40corp:p%3Ass@db.example.com:6543/engineering?sslmode=require&Trust%20Server%20Certificate=true", "data");

        Assert.Equal(DatabaseProvider.Postgres, connection.Provider);
        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        Assert.Equal("db.example.com", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("engineering", builder.Database);
        Assert.Equal("app@corp", builder.Username);
        Assert.Equal("p:ss", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
    }

    [Fact]
    public void Postgresql_scheme_without_port_uses_5432()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseConnection.Parse("postgresql://u@localhost/db", "data").ConnectionString);

        Assert.Equal(5432, builder.Port);
    }

    [Fact]
    public void Npgsql_keyword_connection_string_is_accepted()
    {
        var connection = DatabaseConnection.Parse("Host=localhost;Database=ef;Username=ef;SSL Mode=VerifyFull", "data");

        Assert.Equal(DatabaseProvider.Postgres, connection.Provider);
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(connection.ConnectionString).SslMode);
    }

    [Theory]
    [InlineData("postgres://u@localhost/db")]
    [InlineData("Host=localhost;Database=ef")]
    public void Pooled_connections_stay_open_for_an_hour_with_a_keepalive_when_the_operator_sets_neither(string value)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseConnection.Parse(value, "data").ConnectionString);

        Assert.Equal(DatabaseConnection.DefaultConnectionIdleLifetimeSeconds, builder.ConnectionIdleLifetime);
        Assert.Equal(3600, builder.ConnectionIdleLifetime);
        Assert.Equal(60, builder.KeepAlive);
    }

    [Theory]
    [InlineData("postgres://u@localhost/db?Connection%20Idle%20Lifetime=120&Keepalive=0")]
    [InlineData("Host=localhost;Database=ef;Connection Idle Lifetime=120;Keepalive=0")]
    [InlineData("Host=localhost;Database=ef;connectionidlelifetime=120;keepalive=0")]
    public void The_operators_own_pool_settings_win(string value)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseConnection.Parse(value, "data").ConnectionString);

        Assert.Equal(120, builder.ConnectionIdleLifetime);
        Assert.Equal(0, builder.KeepAlive);
    }

    [Theory]
    [InlineData("postgres://localhost")]
    [InlineData("mysql://localhost/db")]
    [InlineData("Database=ef")]
    [InlineData("postgres://u:secretpw@localhost/db?bogus_setting=1")]
    public void Malformed_values_are_refused_without_echoing_secrets(string value)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseConnection.Parse(value, "data"));

        Assert.DoesNotContain("secretpw", error.Message, StringComparison.Ordinal);
    }
}
