using System.ComponentModel;
using EngineeringFramework.Core.Exports;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class ExportTools(IHttpContextAccessor http, ExportService exports)
{
    /// <remarks>
    /// The document is the answer: it travels as text content, with no structured copy (a second copy of a whole
    /// checklist would double what the agent reads, and a Markdown or CSV file has no JSON shape to describe).
    /// </remarks>
    [McpServerTool(Name = "export_checklist", Title = "Export a project's checklist", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [Description("Returns a project's whole checklist as one file's text, to hand to a person or another tool: format markdown (a document with the project's facts, progress per category, then every item with its status, assignee, due date, not-applicable reason, notes and evidence links) or csv (a header row, then one row per item).")]
    public Task<CallToolResult> ExportChecklistAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        [Description("markdown or csv.")] ExportFormat format,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () =>
        {
            var file = await exports.ExportChecklistAsync(http.ForOrganization(organization_id), organization_id, project_id, new ExportChecklistRequest(format), cancellationToken);
            return new CallToolResult { Content = [new TextContentBlock { Text = file.Content }] };
        });

    [McpServerTool(Name = "export_organization_report", Title = "Export the organization's progress report", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [Description("Returns the organization's progress report as CSV text: a header row (Department, Project, Project status, Category, Required, Done, Not applicable, Percent), then for every project one row per category and a last row with category \"(all)\" holding its overall progress. Any member may read it.")]
    public Task<CallToolResult> ExportOrganizationReportAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(async () =>
        {
            var file = await exports.ExportOrganizationReportAsync(http.ForOrganization(organization_id), organization_id, cancellationToken);
            return new CallToolResult { Content = [new TextContentBlock { Text = file.Content }] };
        });
}
