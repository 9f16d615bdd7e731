using System.ComponentModel;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.Projects;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerToolType]
internal sealed class ProjectTools(IHttpContextAccessor http, DepartmentService departments, ProjectService projects)
{
    [McpServerTool(Name = "list_departments", Title = "List departments", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the departments of an organization (sorted by name), with how many projects each has. Use a department id to list its projects or create a project in it.")]
    public Task<DepartmentPage> ListDepartmentsAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Opaque cursor from a previous page's nextCursor; omit for the first page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => departments.ListAsync(http.ForOrganization(organization_id), organization_id, new ListDepartmentsRequest(50, cursor), cancellationToken));

    [McpServerTool(Name = "list_projects", Title = "List projects", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists an organization's projects (engineering initiatives), sorted by name, optionally filtered by department, status or lead.")]
    public Task<ProjectPage> ListProjectsAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("Only projects of this department.")] Guid? department_id = null,
        [Description("Only projects in this status.")] ProjectStatus? status = null,
        [Description("Only projects led by this user id.")] Guid? lead_user_id = null,
        [Description("Opaque cursor from a previous page's nextCursor; omit for the first page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => projects.ListAsync(http.ForOrganization(organization_id), organization_id, new ListProjectsRequest(department_id, status, lead_user_id, 50, cursor), cancellationToken));

    [McpServerTool(Name = "get_project", Title = "Get a project with progress", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns one project with its progress: done and not-applicable items against required (non-optional) items, overall and per category.")]
    public Task<ProjectDetails> GetProjectAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The project's id, from list_projects.")] Guid project_id,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => projects.GetAsync(http.ForOrganization(organization_id), organization_id, project_id, cancellationToken));

    [McpServerTool(Name = "create_project", Title = "Create a project", ReadOnly = false, Idempotent = false, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Creates a project in a department. Its checklist is copied from the organization's current framework. Calling it twice creates two projects.")]
    public Task<ProjectDetails> CreateProjectAsync(
        [Description("The organization's id, from whoami.")] Guid organization_id,
        [Description("The department to create it in, from list_departments.")] Guid department_id,
        [Description("The project's name (1-200 characters).")] string name,
        [Description("What the initiative is about, in a sentence or two.")] string? description = null,
        [Description("Target completion date, YYYY-MM-DD.")] DateOnly? target_date = null,
        CancellationToken cancellationToken = default)
        => McpErrors.Run(() => projects.CreateAsync(http.ForOrganization(organization_id), organization_id, new CreateProjectRequest(department_id, name, description, null, target_date), cancellationToken));
}
