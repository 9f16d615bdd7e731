using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Core.Search;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class SearchTools(IHttpContextAccessor http, SearchService search)
{
    [McpServerTool(Name = "search", Title = "Search projects, checklist items and definitions", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Searches the organization: projects (name, description), checklist items of every project (name, notes) and the definitions of its current framework (item name, definition). Every word must match the start of a word in the text; only letters and digits count, so operators and quotes are plain text. Best matches first, titles before text. Each result has its kind (Project, ChecklistItem, Definition), ids to read it further (get_project, get_checklist_item, or the definition resource by itemSlug), and title and excerpt fragments with the matched words marked.")]
    public Task<SearchResults> SearchAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Words to look for, e.g. 'rollback drill'.")] string query,
        [Description("At most this many results (1-50, default 20).")][Range(1, 50)] int limit = 20,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => search.SearchAsync(http.ForOrganization(organization_id), organization_id, new SearchRequest(query, limit), cancellationToken));
}
