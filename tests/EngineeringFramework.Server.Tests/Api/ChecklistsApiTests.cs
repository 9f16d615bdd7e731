using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Server.Tests.Api.Support;
using Microsoft.EntityFrameworkCore;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

public sealed class ChecklistsApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private sealed record Setup(OrgUser Admin, Guid ProjectId, IReadOnlyList<JsonElement> Items)
    {
        public string Checklist => $"{OrgPath(Admin.OrgId)}/projects/{ProjectId}/checklist";

        public string ItemPath(JsonElement item) => $"{Checklist}/items/{item.GetProperty("id").GetGuid()}";
    }

    private async Task<Setup> SetUpAsync(string prefix)
    {
        var admin = await server.App.OnboardAsync($"{prefix}-admin", $"{prefix} org");
        var department = await admin.CreateDepartmentAsync("Platform");
        var project = await admin.CreateProjectAsync(department, "Payments");
        return new Setup(admin, project, await admin.ItemsAsync(project));
    }

    private async Task<ChecklistItem> ItemInDatabaseAsync(Guid itemId)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().AsNoTracking().SingleAsync(i => i.Id == itemId, Cancel);
    }

    /// <summary>
    /// Makes the item Done long ago with a 30-day review interval, as if its framework asked for one (the built-in framework
    /// asks for none), so that it is stale now.
    /// </summary>
    internal static async Task MakeStaleAsync(IServiceProvider services, Guid itemId)
    {
        await using var scope = services.CreateAsyncScope();
        var longAgo = DateTime.UtcNow.AddDays(-45);
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().Where(i => i.Id == itemId)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ChecklistItemStatus.Done).SetProperty(i => i.ReviewIntervalDays, 30).SetProperty(i => i.CompletedAt, longAgo), Cancel);
    }

    [Fact]
    public async Task A_stale_item_says_so_and_marking_it_reviewed_with_its_ETag_clears_that_and_keeps_its_status()
    {
        var setup = await SetUpAsync("review");
        var path = setup.ItemPath(setup.Items[0]);
        await MakeStaleAsync(server.App.App.Services, setup.Items[0].GetProperty("id").GetGuid());

        var read = await setup.Admin.Client.GetAsync(path, Cancel);
        var item = (await read.ReadJsonAsync()).GetProperty("item");
        var withoutIfMatch = await setup.Admin.Client.SendAsync(HttpMethod.Post, $"{path}/review");
        var reviewed = await setup.Admin.Client.SendAsync(HttpMethod.Post, $"{path}/review", ifMatch: read.Headers.ETag!.Tag);
        var body = await reviewed.ReadJsonAsync();
        var again = await setup.Admin.Client.SendAsync(HttpMethod.Post, $"{path}/review", ifMatch: read.Headers.ETag.Tag);
        var dashboard = await (await setup.Admin.Client.GetAsync($"{OrgPath(setup.Admin.OrgId)}/dashboard", Cancel)).ReadJsonAsync();

        Assert.True(item.GetProperty("stale").GetBoolean());
        Assert.Equal("ReviewOverdue", item.GetProperty("staleReason").GetString());
        Assert.Equal(30, item.GetProperty("reviewIntervalDays").GetInt32());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-15)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), item.GetProperty("reviewDueOn").GetString());
        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        Assert.False(body.GetProperty("stale").GetBoolean());
        Assert.Equal("Done", body.GetProperty("status").GetString());
        Assert.Equal($"\"{body.GetProperty("version").GetInt64()}\"", reviewed.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal(0, dashboard.GetProperty("staleCount").GetInt32());
        Assert.Equal(ChecklistItemStatus.Done, (await ItemInDatabaseAsync(setup.Items[0].GetProperty("id").GetGuid())).Status);
    }

    [Fact]
    public async Task The_dashboard_lists_a_stale_item_with_its_project_and_due_date()
    {
        var setup = await SetUpAsync("stale-dash");
        var itemId = setup.Items[1].GetProperty("id").GetGuid();
        await MakeStaleAsync(server.App.App.Services, itemId);

        var dashboard = await (await setup.Admin.Client.GetAsync($"{OrgPath(setup.Admin.OrgId)}/dashboard", Cancel)).ReadJsonAsync();

        Assert.Equal(1, dashboard.GetProperty("staleCount").GetInt32());
        var stale = Assert.Single(dashboard.GetProperty("staleItems").EnumerateArray());
        Assert.Equal((itemId, setup.ProjectId, "Payments"), (stale.GetProperty("itemId").GetGuid(), stale.GetProperty("projectId").GetGuid(), stale.GetProperty("projectName").GetString()));
        Assert.Equal("ReviewOverdue", stale.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Item_read_carries_its_version_as_ETag_and_a_write_answers_the_new_one()
    {
        var setup = await SetUpAsync("etag");
        var path = setup.ItemPath(setup.Items[0]);

        var read = await setup.Admin.Client.GetAsync(path, Cancel);
        var write = await setup.Admin.Client.SendAsync(HttpMethod.Put, path, """{"status":"InProgress","notes":"Drafting"}""", read.Headers.ETag!.Tag);
        var written = await write.ReadJsonAsync();

        Assert.Equal("\"1\"", read.Headers.ETag.Tag);
        Assert.False(read.Headers.ETag.IsWeak);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal("\"2\"", write.Headers.ETag?.Tag);
        Assert.Equal(2, written.GetProperty("version").GetInt64());
        Assert.Equal("InProgress", written.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Two_writes_with_the_same_If_Match_one_succeeds_and_the_other_gets_412()
    {
        var setup = await SetUpAsync("race");
        var path = setup.ItemPath(setup.Items[0]);
        var etag = (await setup.Admin.Client.GetAsync(path, Cancel)).Headers.ETag!.Tag;

        var first = await setup.Admin.Client.SendAsync(HttpMethod.Put, path, """{"status":"Done","notes":"first"}""", etag);
        var second = await setup.Admin.Client.SendAsync(HttpMethod.Put, path, """{"status":"InProgress","notes":"second"}""", etag);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var stored = await ItemInDatabaseAsync(setup.Items[0].GetProperty("id").GetGuid());
        Assert.Equal(("first", ChecklistItemStatus.Done, 2L), (stored.Notes, stored.Status, stored.Version));
    }

    [Fact]
    public async Task Write_without_If_Match_is_428_and_changes_nothing()
    {
        var setup = await SetUpAsync("noifmatch");
        var path = setup.ItemPath(setup.Items[0]);

        var response = await setup.Admin.Client.SendAsync(HttpMethod.Put, path, """{"status":"Done"}""");

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, (await ItemInDatabaseAsync(setup.Items[0].GetProperty("id").GetGuid())).Version);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("3")]
    [InlineData("\"three\"")]
    [InlineData("\"1\", \"2\"")]
    public async Task If_Match_that_is_not_one_of_our_ETags_is_a_400_naming_it(string ifMatch)
    {
        var setup = await SetUpAsync("badifmatch-" + Guid.NewGuid().ToString("N")[..8]);
        var path = setup.ItemPath(setup.Items[0]);

        var response = await setup.Admin.Client.SendAsync(HttpMethod.Put, path, """{"status":"Done"}""", ifMatch);

        await response.AssertValidationProblemAsync("If-Match");
        Assert.Equal(1, (await ItemInDatabaseAsync(setup.Items[0].GetProperty("id").GetGuid())).Version);
    }

    [Fact]
    public async Task Weak_If_Match_never_matches_and_is_a_412()
    {
        var setup = await SetUpAsync("weak");

        var response = await setup.Admin.Client.SendAsync(HttpMethod.Put, setup.ItemPath(setup.Items[0]), """{"status":"Done"}""", "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Batch_is_all_or_nothing_when_one_item_is_stale()
    {
        var setup = await SetUpAsync("batchstale");
        var (a, b) = (setup.Items[0].GetProperty("id").GetGuid(), setup.Items[1].GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await setup.Admin.Client.SendAsync(HttpMethod.Put, setup.ItemPath(setup.Items[1]), """{"status":"InProgress"}""", "\"1\"")).StatusCode);
        var before = await server.App.SnapshotAsync();

        var response = await setup.Admin.Client.PostAsJsonAsync($"{setup.Checklist}/batch", new
        {
            items = new object[]
            {
                new { itemId = a, version = 1, status = "Done" },
                new { itemId = b, version = 1, status = "Done" },
            },
        }, Cancel);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(before, await server.App.SnapshotAsync());
        var first = await ItemInDatabaseAsync(a);
        Assert.Equal((ChecklistItemStatus.NotStarted, 1L), (first.Status, first.Version));
    }

    [Fact]
    public async Task Batch_updates_every_item_and_records_their_history()
    {
        var setup = await SetUpAsync("batchok");
        var (a, b) = (setup.Items[0].GetProperty("id").GetGuid(), setup.Items[1].GetProperty("id").GetGuid());

        var response = await setup.Admin.Client.PostAsJsonAsync($"{setup.Checklist}/batch", new
        {
            items = new object[]
            {
                new { itemId = a, version = 1, status = "Done", evidenceLinks = new[] { "https://example.com/charter" } },
                new { itemId = b, version = 1, status = "NotApplicable", notApplicableReason = "Internal tool" },
            },
        }, Cancel);
        var updated = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        var projectActivity = await setup.Admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(setup.Admin.OrgId)}/projects/{setup.ProjectId}/activity", Cancel);
        var itemActivity = await setup.Admin.Client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}/items/{b}/activity?limit=1", Cancel);
        var project = await setup.Admin.Client.GetFromJsonAsync<JsonElement>($"{OrgPath(setup.Admin.OrgId)}/projects/{setup.ProjectId}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Done", "NotApplicable"], updated.Select(i => i.GetProperty("status").GetString()));
        Assert.All(updated, i => Assert.Equal(2, i.GetProperty("version").GetInt64()));
        Assert.Equal(2, projectActivity.GetProperty("items").GetArrayLength());
        var entry = Assert.Single(itemActivity.GetProperty("items").EnumerateArray());
        Assert.Equal(b, entry.GetProperty("checklistItemId").GetGuid());
        Assert.Equal("Api", entry.GetProperty("surface").GetString());
        Assert.Equal(2, project.GetProperty("progress").GetProperty("done").GetInt32() + project.GetProperty("progress").GetProperty("notApplicable").GetInt32());
    }

    [Fact]
    public async Task Template_downloads_as_a_markdown_attachment_named_after_its_slug()
    {
        var setup = await SetUpAsync("template");
        var item = setup.Items.First(i => i.GetProperty("templateSlug").ValueKind == JsonValueKind.String);
        var slug = item.GetProperty("templateSlug").GetString()!;

        var response = await setup.Admin.Client.GetAsync($"{setup.ItemPath(item)}/template", Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal($"attachment; filename=\"{slug}.md\"", string.Join(", ", response.Content.Headers.GetValues("Content-Disposition")));
        await using var scope = server.App.App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<AppDbContext>().FrameworkVersionTemplates.BypassTenantFilter()
            .Where(t => t.Slug == slug).Select(t => t.Markdown).FirstAsync(Cancel);
        Assert.Equal(stored, body);
    }

    [Fact]
    public async Task Item_without_a_template_has_no_template_to_download()
    {
        var setup = await SetUpAsync("notemplate");
        var item = setup.Items.First(i => i.GetProperty("templateSlug").ValueKind == JsonValueKind.Null);

        var response = await setup.Admin.Client.GetAsync($"{setup.ItemPath(item)}/template", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Project_lead_who_is_a_plain_member_may_update_the_checklist()
    {
        var admin = await server.App.OnboardAsync("lead-admin", "Lead org");
        var lead = await server.App.AddMemberAsync(admin.OrgId, "lead-member");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments", lead.UserId);
        var item = (await lead.ItemsAsync(project))[0].GetProperty("id").GetGuid();

        var response = await lead.Client.SendAsync(HttpMethod.Put, $"{OrgPath(admin.OrgId)}/projects/{project}/checklist/items/{item}", """{"status":"Done"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Archived_project_checklist_is_read_only()
    {
        var setup = await SetUpAsync("archived");
        var archive = await setup.Admin.Client.PatchAsJsonAsync($"{OrgPath(setup.Admin.OrgId)}/projects/{setup.ProjectId}", new { status = "Archived" }, Cancel);

        var response = await setup.Admin.Client.SendAsync(HttpMethod.Put, setup.ItemPath(setup.Items[0]), """{"status":"Done"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, (await ItemInDatabaseAsync(setup.Items[0].GetProperty("id").GetGuid())).Version);
    }
}
