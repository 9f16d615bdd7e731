using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Data;

/// <summary>Production: PostgreSQL through Npgsql, TLS settings passed through from the connection string.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options)
    : AppDbContext(options);
