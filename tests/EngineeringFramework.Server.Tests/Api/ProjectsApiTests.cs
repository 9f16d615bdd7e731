using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using Microsoft.EntityFrameworkCore;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class ProjectsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task Create_answers_201_with_the_checklist_copied_and_progress_at_zero()
    {
        var admin = await server.App.OnboardAsync("proj-create", "Proj create");
        var department = await admin.CreateDepartmentAsync("Platform");

        var created = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/projects", new { departmentId = department, name = "Payments", targetDate = "2027-03-31" }, Cancel);
        var read = await admin.Client.GetFromJsonAsync<JsonElement>(created.Headers.Location!.OriginalString, Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Payments", read.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal("2027-03-31", read.GetProperty("project").GetProperty("targetDate").GetString());
        Assert.Equal("Active", read.GetProperty("project").GetProperty("status").GetString());
        Assert.True(read.GetProperty("progress").GetProperty("required").GetInt32() > 0);
        Assert.Equal(0, read.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.NotEmpty(read.GetProperty("categories").EnumerateArray());
    }

    [Fact]
    public async Task List_filters_by_department_status_and_lead_and_pages()
    {
        var admin = await server.App.OnboardAsync("proj-list", "Proj list");
        var lead = await server.App.AddMemberAsync(admin.OrgId, "proj-list-lead");
        var (platform, data) = (await admin.CreateDepartmentAsync("Platform"), await admin.CreateDepartmentAsync("Data"));
        await admin.CreateProjectAsync(platform, "Alpha", lead.UserId);
        var bravo = await admin.CreateProjectAsync(platform, "Bravo");
        await admin.CreateProjectAsync(data, "Charlie");
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.PatchAsJsonAsync($"{OrgPath(admin.OrgId)}/projects/{bravo}", new { status = "Completed" }, Cancel)).StatusCode);

        async Task<string[]> NamesAsync(string query)
        {
            var page = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/projects?{query}", Cancel);
            return [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
        }

        Assert.Equal(["Alpha", "Bravo"], await NamesAsync($"departmentId={platform}"));
        Assert.Equal(["Bravo"], await NamesAsync("status=completed"));
        Assert.Equal(["Alpha"], await NamesAsync($"leadUserId={lead.UserId}"));
        Assert.Equal(["Alpha"], await NamesAsync("limit=1"));
    }

    [Fact]
    public async Task Plain_member_who_leads_the_project_may_update_it()
    {
        var admin = await server.App.OnboardAsync("proj-lead", "Proj lead");
        var lead = await server.App.AddMemberAsync(admin.OrgId, "proj-lead-member");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments", lead.UserId);

        var response = await lead.Client.PutAsJsonAsync(
            $"{OrgPath(admin.OrgId)}/projects/{project}", new { name = "Payments v2", leadUserId = lead.UserId, description = "Rewrite", targetDate = (string?)null, status = "Active" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Payments v2", (await response.ReadJsonAsync()).GetProperty("project").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_project_and_its_checklist()
    {
        var admin = await server.App.OnboardAsync("proj-delete", "Proj delete");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");

        var response = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/projects/{project}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/projects/{project}", Cancel)).StatusCode);
        await using var scope = server.App.App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().AnyAsync(i => i.ProjectId == project, Cancel));
    }

    [Fact]
    public async Task List_returns_each_projects_progress()
    {
        var admin = await server.App.OnboardAsync("proj-progress", "Proj progress");
        var department = await admin.CreateDepartmentAsync("Platform");
        var started = await admin.CreateProjectAsync(department, "Started");
        await admin.CreateProjectAsync(department, "Untouched");
        var items = await admin.ItemsAsync(started);
        var required = items.Where(i => !i.GetProperty("optional").GetBoolean()).ToList();
        await SetStatusAsync(admin, started, required[0], """{"status":"Done"}""");
        await SetStatusAsync(admin, started, required[1], """{"status":"NotApplicable","notApplicableReason":"No data is stored."}""");

        var page = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/projects", Cancel);
        var progress = page.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("progress"));

        Assert.Equal(1, progress["Started"].GetProperty("done").GetInt32());
        Assert.Equal(1, progress["Started"].GetProperty("notApplicable").GetInt32());
        Assert.Equal(required.Count, progress["Started"].GetProperty("required").GetInt32());
        Assert.Equal(2 * 100 / required.Count, progress["Started"].GetProperty("percent").GetInt32());
        Assert.Equal(0, progress["Untouched"].GetProperty("done").GetInt32());
        Assert.Equal(required.Count, progress["Untouched"].GetProperty("required").GetInt32());
        Assert.Equal(0, progress["Untouched"].GetProperty("percent").GetInt32());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_keeps_an_archived_project_archived()
    {
        var admin = await server.App.OnboardAsync("proj-patch", "Proj patch");
        var lead = await server.App.AddMemberAsync(admin.OrgId, "proj-patch-lead");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments", lead.UserId);
        var path = $"{OrgPath(admin.OrgId)}/projects/{project}";
        var setUp = await admin.Client.SendAsync(HttpMethod.Patch, path, """{"description":"Move to the new ledger","targetDate":"2027-06-30","status":"Archived"}""");

        using var mergePatch = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent("""{"name":"Payments v2"}""", System.Text.Encoding.UTF8, "application/merge-patch+json") };
        var renamed = await admin.Client.SendAsync(mergePatch, Cancel);
        var afterRename = (await renamed.ReadJsonAsync()).GetProperty("project");

        Assert.Equal(HttpStatusCode.OK, setUp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Payments v2", afterRename.GetProperty("name").GetString());
        Assert.Equal("Archived", afterRename.GetProperty("status").GetString());
        Assert.Equal("Move to the new ledger", afterRename.GetProperty("description").GetString());
        Assert.Equal("2027-06-30", afterRename.GetProperty("targetDate").GetString());
        Assert.Equal(lead.UserId, afterRename.GetProperty("leadUserId").GetGuid());
        var stored = await ProjectInDatabaseAsync(project);
        Assert.Equal(("Payments v2", "Move to the new ledger", ProjectStatus.Archived, (Guid?)lead.UserId, (DateOnly?)new DateOnly(2027, 6, 30)), stored);
    }

    [Fact]
    public async Task Patch_with_explicit_nulls_clears_the_lead_target_date_and_description()
    {
        var admin = await server.App.OnboardAsync("proj-clear", "Proj clear");
        var lead = await server.App.AddMemberAsync(admin.OrgId, "proj-clear-lead");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments", lead.UserId);
        var path = $"{OrgPath(admin.OrgId)}/projects/{project}";
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.SendAsync(HttpMethod.Patch, path, """{"description":"Ledger","targetDate":"2027-06-30"}""")).StatusCode);

        var cleared = await admin.Client.SendAsync(HttpMethod.Patch, path, """{"leadUserId":null,"targetDate":null,"description":null}""");
        var leadAfter = await lead.Client.SendAsync(HttpMethod.Patch, path, """{"name":"Taken over"}""");

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(("Payments", (string?)null, ProjectStatus.Active, (Guid?)null, (DateOnly?)null), await ProjectInDatabaseAsync(project));
        // The lead tuple went with the lead: the former lead, a plain member, may no longer update the project.
        Assert.Equal(HttpStatusCode.Forbidden, leadAfter.StatusCode);
    }

    [Fact]
    public async Task Put_without_a_field_is_a_400_naming_it_and_the_project_stays_archived()
    {
        var admin = await server.App.OnboardAsync("proj-put", "Proj put");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");
        var path = $"{OrgPath(admin.OrgId)}/projects/{project}";
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.SendAsync(HttpMethod.Patch, path, """{"status":"Archived"}""")).StatusCode);
        var before = await server.App.SnapshotAsync();

        var response = await admin.Client.SendAsync(HttpMethod.Put, path, """{"name":"Payments v2","description":null,"leadUserId":null,"targetDate":null}""");

        await response.AssertValidationProblemAsync("status");
        Assert.Equal(before, await server.App.SnapshotAsync());
        Assert.Equal(ProjectStatus.Archived, (await ProjectInDatabaseAsync(project)).Status);
    }

    [Fact]
    public async Task Put_with_every_field_replaces_them_all()
    {
        var admin = await server.App.OnboardAsync("proj-replace", "Proj replace");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");
        var path = $"{OrgPath(admin.OrgId)}/projects/{project}";
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.SendAsync(HttpMethod.Patch, path, """{"description":"Ledger","targetDate":"2027-06-30"}""")).StatusCode);

        var response = await admin.Client.SendAsync(HttpMethod.Put, path, """{"name":"Payments v2","description":null,"leadUserId":null,"targetDate":null,"status":"Completed"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Payments v2", (string?)null, ProjectStatus.Completed, (Guid?)null, (DateOnly?)null), await ProjectInDatabaseAsync(project));
    }

    private static async Task SetStatusAsync(OrgUser user, Guid projectId, JsonElement item, string body)
    {
        var path = $"{OrgPath(user.OrgId)}/projects/{projectId}/checklist/items/{item.GetProperty("id").GetGuid()}";
        var response = await user.Client.SendAsync(HttpMethod.Put, path, body, $"\"{item.GetProperty("version").GetInt64()}\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(string Name, string? Description, ProjectStatus Status, Guid? LeadUserId, DateOnly? TargetDate)> ProjectInDatabaseAsync(Guid projectId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        var project = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Projects.BypassTenantFilter().AsNoTracking().SingleAsync(p => p.Id == projectId, Cancel);
        return (project.Name, project.Description, project.Status, project.LeadUserId, project.TargetDate);
    }
}
