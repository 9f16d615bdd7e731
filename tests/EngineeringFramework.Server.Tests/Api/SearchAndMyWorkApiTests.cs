using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>Search, My work and moving a project over REST: the shapes clients read, on the database the run uses.</summary>
public sealed class SearchAndMyWorkApiTests(ApiWorld world) : IClassFixture<ApiWorld>
{
    private string Org => ApiTestKit.OrgPath(world.Ada.OrgId);

    [Fact]
    public async Task Search_finds_the_project_and_a_definition_with_marked_fragments_and_not_another_organizations_project()
    {
        var results = (await world.Ada.Client.GetFromJsonAsync<JsonElement>($"{Org}/search?q=paym", ApiTestKit.Cancel)).GetProperty("results");
        var threat = (await world.Ada.Client.GetFromJsonAsync<JsonElement>($"{Org}/search?q=threat%20model&limit=5", ApiTestKit.Cancel)).GetProperty("results");
        var evil = (await world.Eve.Client.GetFromJsonAsync<JsonElement>($"{ApiTestKit.OrgPath(world.Eve.OrgId)}/search?q=payments", ApiTestKit.Cancel)).GetProperty("results");

        var project = Assert.Single(results.EnumerateArray(), r => r.GetProperty("kind").GetString() == "Project");
        Assert.Equal(world.Project, project.GetProperty("projectId").GetGuid());
        Assert.Equal([("Payments", true)], project.GetProperty("titleFragments").EnumerateArray().Select(f => (f.GetProperty("text").GetString(), f.GetProperty("match").GetBoolean())));
        Assert.InRange(threat.GetArrayLength(), 1, 5);
        Assert.Contains(threat.EnumerateArray(), r => r.GetProperty("kind").GetString() == "Definition" && r.GetProperty("itemSlug").GetString() == "threat-model-completed");
        // Evil's own search finds the built-in framework's definitions that mention payments, never Acme's project.
        Assert.All(evil.EnumerateArray(), r => Assert.Equal("Definition", r.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task My_work_lists_an_item_assigned_with_a_past_due_date_as_overdue_and_counts_it()
    {
        var item = (await world.Ada.ItemsAsync(world.Project)).Last();
        var due = DateTime.UtcNow.AddDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"{Org}/projects/{world.Project}/checklist/items/{item.GetProperty("id").GetGuid()}")
        {
            Content = JsonContent.Create(new { status = "InProgress", assigneeUserId = world.Ada.UserId, dueDate = due }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", $"\"{item.GetProperty("version").GetInt64()}\"");
        using var assigned = await world.Ada.Client.SendAsync(put, ApiTestKit.Cancel);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        var mine = await world.Ada.Client.GetFromJsonAsync<JsonElement>($"{Org}/my-work", ApiTestKit.Cancel);
        var count = await world.Ada.Client.GetFromJsonAsync<JsonElement>($"{Org}/my-work/overdue-count", ApiTestKit.Cancel);
        var malloryCount = await world.Mallory.Client.GetFromJsonAsync<JsonElement>($"{Org}/my-work/overdue-count", ApiTestKit.Cancel);

        var overdue = mine.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("due").GetString() == "Overdue");
        var entry = Assert.Single(overdue.GetProperty("items").EnumerateArray());
        Assert.Equal(item.GetProperty("id").GetGuid(), entry.GetProperty("item").GetProperty("id").GetGuid());
        Assert.Equal("Payments", entry.GetProperty("projectName").GetString());
        Assert.Equal(1, count.GetProperty("overdue").GetInt32());
        Assert.Equal(0, malloryCount.GetProperty("overdue").GetInt32());
    }

    [Fact]
    public async Task Moving_a_project_changes_its_department_and_a_member_may_not()
    {
        var target = await world.Ada.CreateDepartmentAsync("Moves target");
        var project = await world.Ada.CreateProjectAsync(world.Department, "Movable");

        using var refused = await world.Mallory.Client.PostAsJsonAsync($"{Org}/projects/{project}/move", new { departmentId = target }, ApiTestKit.Cancel);
        using var moved = await world.Ada.Client.PostAsJsonAsync($"{Org}/projects/{project}/move", new { departmentId = target }, ApiTestKit.Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(target, (await moved.ReadJsonAsync()).GetProperty("project").GetProperty("departmentId").GetGuid());
        var listed = await world.Ada.Client.GetFromJsonAsync<JsonElement>($"{Org}/projects?departmentId={target}", ApiTestKit.Cancel);
        Assert.Equal([project], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
    }
}
