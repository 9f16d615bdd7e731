using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FrameworkChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StatusWarning",
                table: "GitHubSyncSettings",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FrameworkCheckId",
                table: "GitHubSyncJobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "GitHubSyncJobs",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "Sync");

            migrationBuilder.CreateTable(
                name: "FrameworkChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommitSha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Branch = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    PullRequestNumber = table.Column<int>(type: "integer", nullable: true),
                    BaseVersionId = table.Column<Guid>(type: "uuid", nullable: true),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Errors = table.Column<string>(type: "text", nullable: false),
                    ErrorCount = table.Column<int>(type: "integer", nullable: false),
                    ItemCount = table.Column<int>(type: "integer", nullable: true),
                    ItemsAdded = table.Column<int>(type: "integer", nullable: true),
                    ItemsRemoved = table.Column<int>(type: "integer", nullable: true),
                    ItemsChanged = table.Column<int>(type: "integer", nullable: true),
                    ProjectsAffected = table.Column<int>(type: "integer", nullable: true),
                    DiffJson = table.Column<string>(type: "text", nullable: true),
                    StatusState = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    StatusDescription = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StatusPostedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StatusAttempted = table.Column<bool>(type: "boolean", nullable: false),
                    StatusProblem = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkChecks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkChecks_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_GitHubSyncJobs_FrameworkCheckId",
                table: "GitHubSyncJobs",
                column: "FrameworkCheckId");

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkChecks_OrganizationId_CommitSha",
                table: "FrameworkChecks",
                columns: new[] { "OrganizationId", "CommitSha" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkChecks_OrganizationId_RequestedAt",
                table: "FrameworkChecks",
                columns: new[] { "OrganizationId", "RequestedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_GitHubSyncJobs_FrameworkChecks_FrameworkCheckId",
                table: "GitHubSyncJobs",
                column: "FrameworkCheckId",
                principalTable: "FrameworkChecks",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_GitHubSyncJobs_FrameworkChecks_FrameworkCheckId",
                table: "GitHubSyncJobs");

            migrationBuilder.DropTable(
                name: "FrameworkChecks");

            migrationBuilder.DropIndex(
                name: "IX_GitHubSyncJobs_FrameworkCheckId",
                table: "GitHubSyncJobs");

            migrationBuilder.DropColumn(
                name: "StatusWarning",
                table: "GitHubSyncSettings");

            migrationBuilder.DropColumn(
                name: "FrameworkCheckId",
                table: "GitHubSyncJobs");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "GitHubSyncJobs");
        }
    }
}
