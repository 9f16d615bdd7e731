using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.Search;

/// <summary>
/// One search over what an organization's members may read: its projects (name, description), its projects' checklist
/// items (name, notes) and the definitions of its current framework (item name, definition). The database matches and
/// ranks, with its own full-text index (SQLite FTS5 with BM25, PostgreSQL tsvector with ts_rank; the title weighs more
/// than the text on both); the rows found are then read through the tenant-filtered model, so a result can only ever be
/// one the organization owns, and the highlights are cut here, the same on both databases.
/// </summary>
/// <remarks>
/// Authorized once on the organization (<c>can_view</c>): every member may view every project and the framework, as for
/// the lists these results come from. Archived projects are found too (their status says so).
/// </remarks>
public sealed class SearchService(AppDbContext db, TenantContext tenant, Authorizer authorizer)
{
    private const string Project = "project";
    private const string Item = "item";
    private const string Definition = "definition";

    public async Task<SearchResults> SearchAsync(Caller caller, Guid organizationId, SearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await new SearchRequestValidator().ValidateAndThrowAsync(request, cancellationToken);
        await authorizer.EnsureAsync(caller, "can_view", Fga.Organization(organizationId), "can_view", "Organization", cancellationToken);
        tenant.Set(organizationId);
        var terms = SearchTerms.Of(request.Query);
        var version = (await new FrameworkVersionReader(db).GetEffectiveAsync(cancellationToken))?.Id ?? Guid.Empty;
        var hits = await (db is SqliteAppDbContext
            ? SqliteHitsAsync(organizationId, version, terms, request.Limit, cancellationToken)
            : PostgresHitsAsync(organizationId, version, terms, request.Limit, cancellationToken));
        return new SearchResults(terms, await ResultsAsync(hits, version, terms, cancellationToken));
    }

    private Task<List<SearchHit>> SqliteHitsAsync(Guid organizationId, Guid version, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken)
    {
        // bm25 is lower for better matches; the title column weighs four times the text.
        var match = SearchTerms.Fts5(terms);
        return db.Database.SqlQuery<SearchHit>($"""
            SELECT d."Kind", d."OwnerId", -bm25("SearchText", 4.0, 1.0) AS "Score"
            FROM "SearchText" JOIN "SearchDocuments" d ON d."Rowid" = "SearchText"."rowid"
            WHERE "SearchText" MATCH {match}
              AND ((d."Kind" IN ('project', 'item') AND d."OrganizationId" = {organizationId}) OR (d."Kind" = 'definition' AND d."ScopeId" = {version}))
            ORDER BY "Score" DESC, d."Rowid"
            LIMIT {limit}
            """).ToListAsync(cancellationToken);
    }

    private Task<List<SearchHit>> PostgresHitsAsync(Guid organizationId, Guid version, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken)
    {
        var query = SearchTerms.TsQuery(terms);
        return db.Database.SqlQuery<SearchHit>($"""
            WITH q AS (SELECT to_tsquery('simple'::regconfig, {query}) AS query)
            SELECT h."Kind", h."OwnerId", h."Score" FROM (
                SELECT 'project' AS "Kind", p."Id" AS "OwnerId", ts_rank(p."SearchVector", q.query)::double precision AS "Score"
                FROM "Projects" p, q WHERE p."OrganizationId" = {organizationId} AND p."SearchVector" @@ q.query
                UNION ALL
                SELECT 'item', i."Id", ts_rank(i."SearchVector", q.query)::double precision
                FROM "ChecklistItems" i, q WHERE i."OrganizationId" = {organizationId} AND i."SearchVector" @@ q.query
                UNION ALL
                SELECT 'definition', f."Id", ts_rank(f."SearchVector", q.query)::double precision
                FROM "FrameworkVersionItems" f, q WHERE f."FrameworkVersionId" = {version} AND f."SearchVector" @@ q.query
            ) h
            ORDER BY h."Score" DESC, h."OwnerId"
            LIMIT {limit}
            """).ToListAsync(cancellationToken);
    }

    /// <summary>Reads each hit through the tenant-filtered model (one query per kind) and keeps the database's order.</summary>
    private async Task<List<SearchResult>> ResultsAsync(List<SearchHit> hits, Guid version, IReadOnlyList<string> terms, CancellationToken cancellationToken)
    {
        var projectIds = hits.Where(h => h.Kind == Project).Select(h => h.OwnerId).ToList();
        var itemIds = hits.Where(h => h.Kind == Item).Select(h => h.OwnerId).ToList();
        var definitionIds = hits.Where(h => h.Kind == Definition).Select(h => h.OwnerId).ToList();

        var projects = projectIds.Count == 0 ? [] : await db.Projects.AsNoTracking()
            .Where(p => projectIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.Description, p.Status, Department = db.Departments.Where(d => d.Id == p.DepartmentId).Select(d => d.Name).FirstOrDefault() })
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var items = itemIds.Count == 0 ? [] : await (
            from i in db.ChecklistItems.AsNoTracking()
            join p in db.Projects on i.ProjectId equals p.Id
            where itemIds.Contains(i.Id)
            select new { i.Id, i.Name, i.Notes, i.ItemSlug, i.Status, i.ProjectId, ProjectName = p.Name, ProjectStatus = p.Status, i.CategoryName, i.SubcategoryName })
            .ToDictionaryAsync(i => i.Id, cancellationToken);
        var definitions = definitionIds.Count == 0 ? [] : await (
            from i in db.FrameworkVersionItems.AsNoTracking()
            join s in db.Set<FrameworkVersionSubcategory>() on i.SubcategoryId equals s.Id
            join c in db.Set<FrameworkVersionCategory>() on s.CategoryId equals c.Id
            where definitionIds.Contains(i.Id) && i.FrameworkVersionId == version
            select new { i.Id, i.Name, i.Slug, i.DefinitionMarkdown, Category = c.Name, Subcategory = s.Name })
            .ToDictionaryAsync(i => i.Id, cancellationToken);

        var results = new List<SearchResult>(hits.Count);
        foreach (var hit in hits)
        {
            if (hit.Kind == Project && projects.TryGetValue(hit.OwnerId, out var project))
            {
                results.Add(new SearchResult(
                    SearchResultKind.Project, project.Name, SearchTerms.Highlight(project.Name, terms), SearchTerms.Excerpt(project.Description, terms),
                    project.Id, project.Name, project.Status, null, null, null, project.Department));
            }
            else if (hit.Kind == Item && items.TryGetValue(hit.OwnerId, out var item))
            {
                results.Add(new SearchResult(
                    SearchResultKind.ChecklistItem, item.Name, SearchTerms.Highlight(item.Name, terms), SearchTerms.Excerpt(item.Notes, terms),
                    item.ProjectId, item.ProjectName, item.ProjectStatus, item.Id, item.ItemSlug, item.Status, $"{item.CategoryName} › {item.SubcategoryName}"));
            }
            else if (hit.Kind == Definition && definitions.TryGetValue(hit.OwnerId, out var definition))
            {
                results.Add(new SearchResult(
                    SearchResultKind.Definition, definition.Name, SearchTerms.Highlight(definition.Name, terms), SearchTerms.Excerpt(PlainText(definition.DefinitionMarkdown), terms),
                    null, null, null, null, definition.Slug, null, $"{definition.Category} › {definition.Subcategory}"));
            }
        }

        return results;
    }

    /// <summary>Markdown without its markup characters at the start of lines (headings, quotes, list bullets), for an excerpt.</summary>
    private static string? PlainText(string? markdown)
        => markdown is null ? null : string.Join(' ', markdown.Split('\n').Select(line => line.TrimStart().TrimStart('#', '>', '-', '*', ' ')));

    /// <summary>What the database answers: which row matched, and how well.</summary>
    internal sealed record SearchHit(string Kind, Guid OwnerId, double Score);
}
