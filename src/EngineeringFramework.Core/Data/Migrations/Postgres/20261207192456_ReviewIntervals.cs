using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewIntervals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ReviewIntervalDays",
                table: "FrameworkVersionItems",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CompletedAt",
                table: "ChecklistItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReviewIntervalDays",
                table: "ChecklistItems",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewedAt",
                table: "ChecklistItems",
                type: "timestamp with time zone",
                nullable: true);

            // Items finished before completion times were kept: their last update is the best record of when (a later
            // edit of notes or evidence moves it, so a review may come due later than strictly owed, never earlier).
            migrationBuilder.Sql("""
                UPDATE "ChecklistItems" SET "CompletedAt" = "UpdatedAt" WHERE "Status" IN ('Done', 'NotApplicable');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReviewIntervalDays",
                table: "FrameworkVersionItems");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "ChecklistItems");

            migrationBuilder.DropColumn(
                name: "ReviewIntervalDays",
                table: "ChecklistItems");

            migrationBuilder.DropColumn(
                name: "ReviewedAt",
                table: "ChecklistItems");
        }
    }
}
