using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FrameworkUpgrades : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ResetChangedItemsOnUpgrade",
                table: "Organizations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "ImportedByUserId",
                table: "FrameworkVersions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceUrl",
                table: "FrameworkVersions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DefinitionChangedAt",
                table: "ChecklistItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RetiredAt",
                table: "ChecklistItems",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ResetChangedItemsOnUpgrade",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "ImportedByUserId",
                table: "FrameworkVersions");

            migrationBuilder.DropColumn(
                name: "SourceUrl",
                table: "FrameworkVersions");

            migrationBuilder.DropColumn(
                name: "DefinitionChangedAt",
                table: "ChecklistItems");

            migrationBuilder.DropColumn(
                name: "RetiredAt",
                table: "ChecklistItems");
        }
    }
}
