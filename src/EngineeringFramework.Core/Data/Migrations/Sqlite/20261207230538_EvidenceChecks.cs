using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EvidenceChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EvidenceChangedAt",
                table: "ChecklistItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EvidenceChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChecklistItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RecordedCommitSha = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LatestCommitSha = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CheckedAt = table.Column<string>(type: "TEXT", nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DueAt = table.Column<string>(type: "TEXT", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceChecks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidenceChecks_ChecklistItems_ChecklistItemId",
                        column: x => x.ChecklistItemId,
                        principalTable: "ChecklistItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EvidenceChecks_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceChecks_ChecklistItemId",
                table: "EvidenceChecks",
                column: "ChecklistItemId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceChecks_DueAt",
                table: "EvidenceChecks",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceChecks_OrganizationId",
                table: "EvidenceChecks",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EvidenceChecks");

            migrationBuilder.DropColumn(
                name: "EvidenceChangedAt",
                table: "ChecklistItems");
        }
    }
}
