using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FrameworkVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FrameworkVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsCurrent = table.Column<bool>(type: "INTEGER", nullable: false),
                    CategoryCount = table.Column<int>(type: "INTEGER", nullable: false),
                    SubcategoryCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemCount = table.Column<int>(type: "INTEGER", nullable: false),
                    TemplateCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkVersions_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FrameworkVersionCategory",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FrameworkVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkVersionCategory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkVersionCategory_FrameworkVersions_FrameworkVersionId",
                        column: x => x.FrameworkVersionId,
                        principalTable: "FrameworkVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FrameworkVersionTemplates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FrameworkVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Markdown = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkVersionTemplates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkVersionTemplates_FrameworkVersions_FrameworkVersionId",
                        column: x => x.FrameworkVersionId,
                        principalTable: "FrameworkVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FrameworkVersionSubcategory",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CategoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkVersionSubcategory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkVersionSubcategory_FrameworkVersionCategory_CategoryId",
                        column: x => x.CategoryId,
                        principalTable: "FrameworkVersionCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FrameworkVersionItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubcategoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FrameworkVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Optional = table.Column<bool>(type: "INTEGER", nullable: false),
                    DefinitionMarkdown = table.Column<string>(type: "TEXT", nullable: true),
                    TemplateSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameworkVersionItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameworkVersionItems_FrameworkVersionSubcategory_SubcategoryId",
                        column: x => x.SubcategoryId,
                        principalTable: "FrameworkVersionSubcategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FrameworkVersionItems_FrameworkVersions_FrameworkVersionId",
                        column: x => x.FrameworkVersionId,
                        principalTable: "FrameworkVersions",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersionCategory_FrameworkVersionId_Slug",
                table: "FrameworkVersionCategory",
                columns: new[] { "FrameworkVersionId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersionItems_FrameworkVersionId_Slug",
                table: "FrameworkVersionItems",
                columns: new[] { "FrameworkVersionId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersionItems_SubcategoryId",
                table: "FrameworkVersionItems",
                column: "SubcategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersionSubcategory_CategoryId_Slug",
                table: "FrameworkVersionSubcategory",
                columns: new[] { "CategoryId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersionTemplates_FrameworkVersionId_Slug",
                table: "FrameworkVersionTemplates",
                columns: new[] { "FrameworkVersionId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersions_OrganizationId_ContentHash",
                table: "FrameworkVersions",
                columns: new[] { "OrganizationId", "ContentHash" });

            migrationBuilder.CreateIndex(
                name: "IX_FrameworkVersions_OrganizationId_IsCurrent",
                table: "FrameworkVersions",
                columns: new[] { "OrganizationId", "IsCurrent" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FrameworkVersionItems");

            migrationBuilder.DropTable(
                name: "FrameworkVersionTemplates");

            migrationBuilder.DropTable(
                name: "FrameworkVersionSubcategory");

            migrationBuilder.DropTable(
                name: "FrameworkVersionCategory");

            migrationBuilder.DropTable(
                name: "FrameworkVersions");
        }
    }
}
