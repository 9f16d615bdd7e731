using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EngineeringFramework.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <summary>
        /// Full-text search columns for the product's search: a stored, generated tsvector per searchable table (the
        /// title weighted A, the text B, the 'simple' configuration so every language is split into words alike and
        /// nothing is stemmed, as SQLite's FTS5 does), each with a GIN index. PostgreSQL keeps them in step with every
        /// write itself; the entity model never maps them, so EF Core neither reads nor writes them.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Index(migrationBuilder, "Projects", "\"Name\"", "\"Description\"");
            Index(migrationBuilder, "ChecklistItems", "\"Name\"", "\"Notes\"");
            Index(migrationBuilder, "FrameworkVersionItems", "\"Name\"", "\"DefinitionMarkdown\"");
        }

        private static void Index(MigrationBuilder migrationBuilder, string table, string title, string body)
            => migrationBuilder.Sql($"""
                ALTER TABLE "{table}" ADD COLUMN "SearchVector" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple'::regconfig, coalesce({title}, '')), 'A')
                    || setweight(to_tsvector('simple'::regconfig, coalesce({body}, '')), 'B')) STORED;
                CREATE INDEX "IX_{table}_SearchVector" ON "{table}" USING GIN ("SearchVector");
                """);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "Projects", "ChecklistItems", "FrameworkVersionItems" })
            {
                migrationBuilder.Sql($"""ALTER TABLE "{table}" DROP COLUMN "SearchVector";""");
            }
        }
    }
}
