using System.ComponentModel;
using EngineeringFramework.Core.Frameworks.Versions;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

/// <summary>Definitions and templates of the organization's current framework, addressable by URI template.</summary>
[McpServerResourceType]
internal sealed class FrameworkResources(IHttpContextAccessor http, FrameworkBrowser framework)
{
    [McpServerResource(UriTemplate = "engineering-framework://organizations/{organizationId}/definitions/{itemSlug}", Name = "definition", Title = "Checklist item definition", MimeType = "text/markdown")]
    [Description("The markdown definition of a framework item: what it means, why it matters, how to complete it, definition of done.")]
    public Task<string> DefinitionAsync(string organizationId, string itemSlug, CancellationToken cancellationToken)
        => McpErrors.Run(async () =>
        {
            var id = ParseOrganization(organizationId);
            return (await framework.GetDefinitionAsync(http.ForOrganization(id), id, itemSlug, null, cancellationToken)).DefinitionMarkdown ?? string.Empty;
        });

    [McpServerResource(UriTemplate = "engineering-framework://organizations/{organizationId}/templates/{templateSlug}", Name = "template", Title = "Document template", MimeType = "text/markdown")]
    [Description("The markdown of a document template, with {{placeholders}} to fill.")]
    public Task<string> TemplateAsync(string organizationId, string templateSlug, CancellationToken cancellationToken)
        => McpErrors.Run(async () =>
        {
            var id = ParseOrganization(organizationId);
            return (await framework.GetTemplateAsync(http.ForOrganization(id), id, templateSlug, null, cancellationToken)).Markdown;
        });

    private static Guid ParseOrganization(string value)
        => Guid.TryParse(value, out var id) ? id : throw new EngineeringFramework.Core.UseCases.NotFoundException("Organization");
}
