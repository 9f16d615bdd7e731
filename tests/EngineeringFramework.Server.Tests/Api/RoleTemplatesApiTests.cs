using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class RoleTemplatesApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task Catalog_lists_the_permissions_a_template_may_grant()
    {
        var admin = await server.App.OnboardAsync("cat-admin", "Cat org");

        var catalog = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/role-templates/catalog", Cancel);

        Assert.Contains(catalog.EnumerateArray(), p => p.GetProperty("name").GetString() == "manage_departments");
    }

    [Fact]
    public async Task Assigning_a_template_grants_its_permission_and_unassigning_takes_it_back()
    {
        var admin = await server.App.OnboardAsync("grant-admin", "Grant org");
        var member = await server.App.AddMemberAsync(admin.OrgId, "grant-member");
        var departments = $"{OrgPath(admin.OrgId)}/departments";
        var created = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/role-templates", new { name = "Org designer", permissions = new[] { "manage_departments" } }, Cancel);
        var role = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();

        var before = await member.Client.PostAsJsonAsync(departments, new { name = "Before" }, Cancel);
        var assign = await admin.Client.PutAsync($"{OrgPath(admin.OrgId)}/role-templates/{role}/assignees/{member.UserId}", null, Cancel);
        var during = await member.Client.PostAsJsonAsync(departments, new { name = "During" }, Cancel);
        var unassign = await admin.Client.DeleteAsync($"{OrgPath(admin.OrgId)}/role-templates/{role}/assignees/{member.UserId}", Cancel);
        var after = await member.Client.PostAsJsonAsync(departments, new { name = "After" }, Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal([member.UserId], (await assign.ReadJsonAsync()).GetProperty("assigneeUserIds").EnumerateArray().Select(u => u.GetGuid()));
        Assert.Equal(HttpStatusCode.Created, during.StatusCode);
        Assert.Empty((await unassign.ReadJsonAsync()).GetProperty("assigneeUserIds").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Update_honours_If_Match_and_answers_the_new_ETag()
    {
        var admin = await server.App.OnboardAsync("ver-admin", "Ver org");
        var created = await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/role-templates", new { name = "Reviewer", permissions = new[] { "update_checklists" } }, Cancel);
        var path = created.Headers.Location!.OriginalString;
        var etag = (await admin.Client.GetAsync(path, Cancel)).Headers.ETag!.Tag;

        var update = await admin.Client.SendAsync(HttpMethod.Put, path, """{"name":"Reviewer","permissions":["update_checklists","update_projects"]}""", etag);
        var stale = await admin.Client.SendAsync(HttpMethod.Put, path, """{"name":"Reviewer","permissions":[]}""", etag);
        var current = await admin.Client.GetFromJsonAsync<JsonElement>(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.NotEqual(etag, update.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(["update_checklists", "update_projects"], current.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Drift_check_finds_nothing_wrong_with_templates_written_through_the_api()
    {
        var admin = await server.App.OnboardAsync("drift-admin", "Drift org");
        await admin.Client.PostAsJsonAsync($"{OrgPath(admin.OrgId)}/role-templates", new { name = "Builder", permissions = new[] { "create_projects", "delete_projects" } }, Cancel);

        var drift = await admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(admin.OrgId)}/role-templates/drift", Cancel);

        var report = Assert.Single(drift.EnumerateArray());
        Assert.False(report.GetProperty("hasDrift").GetBoolean());
    }

    [Fact]
    public async Task Delete_removes_the_template_and_a_duplicate_name_is_a_409()
    {
        var admin = await server.App.OnboardAsync("del-admin", "Del org");
        var templates = $"{OrgPath(admin.OrgId)}/role-templates";
        var created = await admin.Client.PostAsJsonAsync(templates, new { name = "Temp", permissions = Array.Empty<string>() }, Cancel);
        var duplicate = await admin.Client.PostAsJsonAsync(templates, new { name = "temp", permissions = Array.Empty<string>() }, Cancel);

        var delete = await admin.Client.DeleteAsync(created.Headers.Location!.OriginalString, Cancel);
        var list = await admin.Client.GetFromJsonAsync<JsonElement>(templates, Cancel);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(list.EnumerateArray());
    }
}
