using System.ComponentModel;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.MyWork;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class MyWorkTools(IHttpContextAccessor http, MyWorkService myWork)
{
    [McpServerTool(Name = "list_my_work", Title = "List my assigned checklist items", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns the checklist items assigned to the user you act for, across every project of the organization that is not archived, grouped by when they are due: Overdue, ThisWeek (today and the next six days), Later, NoDate, and Earlier (closed items due before today). Only open items (NotStarted, InProgress) unless a status is given or include_closed is true. Each item carries its project id and version, so you can update it with update_checklist_item. At most 500 items, the most urgent first; total counts them all.")]
    public Task<MyWorkList> ListMyWorkAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Only items of this project (from list_projects).")] Guid? project_id = null,
        [Description("Only items with this status.")] ChecklistItemStatus? status = null,
        [Description("True to include done and not-applicable items as well as open ones (ignored when status is given).")] bool include_closed = false,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => myWork.ListAsync(http.ForOrganization(organization_id), organization_id, new MyWorkRequest(project_id, status, include_closed), cancellationToken));
}
