using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GitHubSyncRetry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RetryAt",
                table: "GitHubSyncJobs",
                type: "TEXT",
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
