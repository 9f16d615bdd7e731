using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <summary>
        /// One FTS5 index for the product's search (projects, checklist items, framework definitions). SearchDocuments says
        /// what each indexed row is (kind, owning row, organization, scope) under an explicit INTEGER PRIMARY KEY, which is
        /// the FTS rowid: VACUUM never renumbers it, unlike the tables' implicit rowids. Triggers keep both in step with
        /// the source rows in the same statement, foreign-key cascades included, so the index is never behind a commit.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "SearchDocuments" (
                    "Rowid" INTEGER PRIMARY KEY,
                    "Kind" TEXT NOT NULL,
                    "OwnerId" TEXT NOT NULL UNIQUE,
                    "OrganizationId" TEXT NULL,
                    "ScopeId" TEXT NOT NULL
                );
                CREATE INDEX "IX_SearchDocuments_OrganizationId" ON "SearchDocuments" ("OrganizationId");
                CREATE VIRTUAL TABLE "SearchText" USING fts5("Title", "Body", tokenize = 'unicode61 remove_diacritics 0');
                """);
            Index(migrationBuilder, "Projects", "project", "\"Id\"", "\"Name\"", "coalesce({0}.\"Description\", '')", "\"Name\", \"Description\"");
            Index(migrationBuilder, "ChecklistItems", "item", "\"ProjectId\"", "\"Name\"", "coalesce({0}.\"Notes\", '')", "\"Notes\"");
            Index(migrationBuilder, "FrameworkVersionItems", "definition", "\"FrameworkVersionId\"", "\"Name\"", "coalesce({0}.\"DefinitionMarkdown\", '')", "\"Name\", \"DefinitionMarkdown\"");
        }

        /// <summary>
        /// Fills the index from <paramref name="table"/>'s rows and adds its triggers: insert, update of the indexed
        /// columns, delete. <paramref name="body"/> is an expression over <c>{0}</c>, the row (NEW, OLD or the table).
        /// </summary>
        private static void Index(MigrationBuilder migrationBuilder, string table, string kind, string scope, string title, string body, string updatedColumns)
        {
            string Body(string row) => string.Format(System.Globalization.CultureInfo.InvariantCulture, body, row);
            var document = $"""SELECT '{kind}', "Id", "OrganizationId", {scope} FROM "{table}" """;
            migrationBuilder.Sql($"""
                INSERT INTO "SearchDocuments" ("Kind", "OwnerId", "OrganizationId", "ScopeId") {document};
                INSERT INTO "SearchText" ("rowid", "Title", "Body")
                    SELECT d."Rowid", t.{title}, {Body("t")} FROM "{table}" t JOIN "SearchDocuments" d ON d."OwnerId" = t."Id";
                CREATE TRIGGER "{table}_Search_Insert" AFTER INSERT ON "{table}" BEGIN
                    INSERT INTO "SearchDocuments" ("Kind", "OwnerId", "OrganizationId", "ScopeId") VALUES ('{kind}', NEW."Id", NEW."OrganizationId", NEW.{scope});
                    INSERT INTO "SearchText" ("rowid", "Title", "Body") VALUES (last_insert_rowid(), NEW.{title}, {Body("NEW")});
                END;
                CREATE TRIGGER "{table}_Search_Update" AFTER UPDATE OF {updatedColumns} ON "{table}" BEGIN
                    DELETE FROM "SearchText" WHERE "rowid" = (SELECT "Rowid" FROM "SearchDocuments" WHERE "OwnerId" = OLD."Id");
                    INSERT INTO "SearchText" ("rowid", "Title", "Body")
                        SELECT "Rowid", NEW.{title}, {Body("NEW")} FROM "SearchDocuments" WHERE "OwnerId" = NEW."Id";
                END;
                CREATE TRIGGER "{table}_Search_Delete" AFTER DELETE ON "{table}" BEGIN
                    DELETE FROM "SearchText" WHERE "rowid" = (SELECT "Rowid" FROM "SearchDocuments" WHERE "OwnerId" = OLD."Id");
                    DELETE FROM "SearchDocuments" WHERE "OwnerId" = OLD."Id";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "Projects", "ChecklistItems", "FrameworkVersionItems" })
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER "{table}_Search_Insert";
                    DROP TRIGGER "{table}_Search_Update";
                    DROP TRIGGER "{table}_Search_Delete";
                    """);
            }

            migrationBuilder.Sql("""
                DROP TABLE "SearchText";
                DROP TABLE "SearchDocuments";
                """);
        }
    }
}
