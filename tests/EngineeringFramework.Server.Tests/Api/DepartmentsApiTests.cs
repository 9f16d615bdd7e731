using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class DepartmentsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task Create_answers_201_with_a_Location_that_reads_it_back()
    {
        var admin = await server.App.OnboardAsync("dept-create", "Dept create");

        var created = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/departments", new { name = " Platform ", description = "Shared services" }, Cancel);
        var read = await admin.Client.GetFromJsonAsync<JsonElement>(created.Headers.Location!.OriginalString, Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Platform", read.GetProperty("name").GetString());
        Assert.Equal("Shared services", read.GetProperty("description").GetString());
        Assert.Equal(0, read.GetProperty("projectCount").GetInt32());
    }

    [Fact]
    public async Task List_pages_with_limit_and_cursor()
    {
        var admin = await server.App.OnboardAsync("dept-list", "Dept list");
        foreach (var name in new[] { "Alpha", "Bravo", "Charlie" })
        {
            await admin.CreateDepartmentAsync(name);
        }

        var first = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/departments?limit=2", Cancel);
        var cursor = Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!);
        var second = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/departments?limit=2&cursor={cursor}", Cancel);

        Assert.Equal(["Alpha", "Bravo"], first.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(["Charlie"], second.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Update_replaces_name_and_description()
    {
        var admin = await server.App.OnboardAsync("dept-update", "Dept update");
        var department = await admin.CreateDepartmentAsync("Platform");

        var response = await admin.Client.PutAsJsonAsync($"{OrgPath(admin.OrgId)}/departments/{department}", new { name = "Infrastructure" }, Cancel);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Infrastructure", body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("description").ValueKind);
    }

    [Fact]
    public async Task Delete_of_a_department_with_projects_is_refused_unless_the_caller_says_what_happens_to_them()
    {
        var admin = await server.App.OnboardAsync("dept-refuse", "Dept refuse");
        var department = await admin.CreateDepartmentAsync("Platform");
        await admin.CreateProjectAsync(department, "Payments");
        var before = await server.App.SnapshotAsync();

        var response = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/departments/{department}", Cancel);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, await server.App.SnapshotAsync());
    }

    [Fact]
    public async Task Delete_with_MoveTo_in_the_query_moves_the_projects()
    {
        var admin = await server.App.OnboardAsync("dept-move", "Dept move");
        var (from, to) = (await admin.CreateDepartmentAsync("Old"), await admin.CreateDepartmentAsync("New"));
        var project = await admin.CreateProjectAsync(from, "Payments");

        var response = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/departments/{from}?projects=MoveTo&moveToDepartmentId={to}", Cancel);
        var moved = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/projects/{project}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(to, moved.GetProperty("project").GetProperty("departmentId").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/departments/{from}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Delete_with_DeleteProjects_in_the_body_deletes_the_projects_too()
    {
        var admin = await server.App.OnboardAsync("dept-cascade", "Dept cascade");
        var department = await admin.CreateDepartmentAsync("Platform");
        var project = await admin.CreateProjectAsync(department, "Payments");

        var response = await admin.Client.SendAsync(HttpMethod.Delete, $"{OrgPath(admin.OrgId)}/departments/{department}", """{"projects":"DeleteProjects"}""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/projects/{project}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Projects_cannot_be_moved_into_another_organizations_department()
    {
        var admin = await server.App.OnboardAsync("dept-steal", "Dept steal");
        var other = await server.App.OnboardAsync("dept-victim", "Dept victim");
        var department = await admin.CreateDepartmentAsync("Platform");
        await admin.CreateProjectAsync(department, "Payments");
        var foreign = await other.CreateDepartmentAsync("Target");
        var before = await server.App.SnapshotAsync();

        var response = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/departments/{department}?projects=MoveTo&moveToDepartmentId={foreign}", Cancel);

        await response.AssertValidationProblemAsync("moveToDepartmentId");
        Assert.Equal(before, await server.App.SnapshotAsync());
    }
}
