using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EngineeringFramework.Core.Frameworks.Versions;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class FrameworkTools(IHttpContextAccessor http, FrameworkBrowser framework)
{
    [McpServerTool(Name = "get_template", Title = "Get a document template", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns a document template's markdown (a threat model, an ADR, a runbook...), with {{placeholders}} to fill. Use it to draft the document a checklist item asks for.")]
    public Task<FrameworkTemplateView> GetTemplateAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The template's slug, from a checklist item's templateSlug.")] string template_slug,
        [Description("The framework version a project was created from (its frameworkVersionId); omit for the organization's current framework.")] Guid? framework_version_id = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => framework.GetTemplateAsync(http.ForOrganization(organization_id), organization_id, template_slug, framework_version_id, cancellationToken));

    [McpServerTool(Name = "search_framework", Title = "Search the framework", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Finds framework items whose name or definition contains every word of the query (case-insensitive), in framework order, with an excerpt.")]
    public Task<FrameworkSearchResult> SearchFrameworkAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Words to look for, e.g. 'rollback database'.")] string query,
        [Description("At most this many results (1-50, default 20).")][Range(1, 50)] int limit = 20,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () => new FrameworkSearchResult(await framework.SearchAsync(http.ForOrganization(organization_id), organization_id, new FrameworkSearchRequest(query, limit), cancellationToken)));
}

/// <summary>Structured content must be a JSON object (MCP spec), so lists travel inside one.</summary>
internal sealed record FrameworkSearchResult(IReadOnlyList<FrameworkSearchHit> Items);
