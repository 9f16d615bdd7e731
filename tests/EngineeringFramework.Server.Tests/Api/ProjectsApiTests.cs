using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Data;
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
        await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/projects/{bravo}", new { name = "Bravo", status = "Completed" }, Cancel);

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

        var response = await lead.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/projects/{project}", new { name = "Payments v2", leadUserId = lead.UserId, description = "Rewrite" }, Cancel);

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
}
