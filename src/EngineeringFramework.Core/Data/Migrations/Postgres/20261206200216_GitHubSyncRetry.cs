using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GitHubSyncRetry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RetryAt",
                table: "GitHubSyncJobs",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RetryAt",
                table: "GitHubSyncJobs");
        }
    }
}
