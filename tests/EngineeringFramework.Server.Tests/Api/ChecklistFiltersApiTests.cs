using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Server.Tests.Api.Support;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>Filtering the checklist (status, assignee, due date, overdue) and paging its flat item list over HTTP.</summary>
public sealed class ChecklistFiltersApiTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static readonly string LastMonth = DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly string NextMonth = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Setup(OrgUser Admin, string Checklist, IReadOnlyList<JsonElement> Items);

    /// <summary>Items 0 and 1 are the admin's, 0 done and 1 in progress, both due last month; item 2 is due next month.</summary>
    private async Task<Setup> SetUpAsync(string prefix)
    {
        var admin = await server.App.OnboardAsync($"{prefix}-admin", $"{prefix} org");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");
        var checklist = $"{OrgPath(admin.OrgId)}/projects/{project}/checklist";
        var items = await admin.ItemsAsync(project);
        var response = await admin.Client.PostAsJsonAsync($"{checklist}/batch", new
        {
            items = new object[]
            {
                new { itemId = Id(items[0]), version = 1, status = "Done", assigneeUserId = admin.UserId, dueDate = LastMonth },
                new { itemId = Id(items[1]), version = 1, status = "InProgress", assigneeUserId = admin.UserId, dueDate = LastMonth },
                new { itemId = Id(items[2]), version = 1, status = "NotStarted", dueDate = NextMonth },
            },
        }, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Setup(admin, checklist, items);
    }

    private static Guid Id(JsonElement item) => item.GetProperty("id").GetGuid();

    private static List<Guid> ItemIds(JsonElement checklist) => [.. ApiTestKit.ChecklistItems(checklist).Select(Id)];

    [Fact]
    public async Task Checklist_query_filters_narrow_the_items_and_combine_with_and()
    {
        var setup = await SetUpAsync("filters");
        var client = setup.Admin.Client;

        var done = await client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}?status=done", Cancel);
        var mine = await client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}?assigneeUserId={setup.Admin.UserId}", Cancel);
        var overdue = await client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}?overdue=true", Cancel);
        var dueSoon = await client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}?dueBefore={NextMonth}&status=NotStarted", Cancel);
        var dueLater = await client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}?dueBefore={DateTime.UtcNow.AddDays(60):yyyy-MM-dd}&status=NotStarted", Cancel);
        var everything = await client.GetFromJsonAsync<JsonElement>(setup.Checklist, Cancel);

        Assert.Equal([Id(setup.Items[0])], ItemIds(done));
        Assert.Equal([Id(setup.Items[0]), Id(setup.Items[1])], ItemIds(mine));
        Assert.Equal([Id(setup.Items[1])], ItemIds(overdue));
        Assert.Empty(ItemIds(dueSoon));
        Assert.Equal([Id(setup.Items[2])], ItemIds(dueLater));
        Assert.Equal(setup.Items.Count, ItemIds(everything).Count);
    }

    [Fact]
    public async Task Item_list_pages_with_a_cursor_in_framework_order()
    {
        var setup = await SetUpAsync("paging");
        var expected = setup.Items.Select(Id).ToList();

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await setup.Admin.Client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}/items?limit=40{(cursor is null ? string.Empty : "&cursor=" + cursor)}", Cancel);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 40);
            Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("categorySlug").GetString())));
            seen.AddRange(items.Select(i => Id(i.GetProperty("item"))));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Item_list_filters_like_the_checklist()
    {
        var setup = await SetUpAsync("listfilter");

        var page = await setup.Admin.Client.GetFromJsonAsync<JsonElement>($"{setup.Checklist}/items?assigneeUserId={setup.Admin.UserId}&overdue=false", Cancel);

        Assert.Equal([Id(setup.Items[0])], page.GetProperty("items").EnumerateArray().Select(i => Id(i.GetProperty("item"))));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("?status=Finished", "status")]
    [InlineData("?status=2", "status")]
    [InlineData("?assigneeUserId=someone", "assigneeUserId")]
    [InlineData("?assigneeUserId=00000000-0000-0000-0000-000000000000", "assigneeUserId")]
    [InlineData("?dueBefore=tomorrow", "dueBefore")]
    [InlineData("?dueBefore=2027-13-01", "dueBefore")]
    [InlineData("?overdue=yes", "overdue")]
    [InlineData("/items?limit=0", "limit")]
    [InlineData("/items?limit=101", "limit")]
    [InlineData("/items?limit=ten", "limit")]
    [InlineData("/items?cursor=not-a-cursor", "cursor")]
    [InlineData("/items?overdue=1", "overdue")]
    public async Task Bad_filter_or_paging_input_is_a_400_naming_the_parameter(string query, string field)
    {
        var name = $"bad-{Guid.NewGuid():N}";
        var admin = await server.App.OnboardAsync(name, name + " org");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");

        var response = await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/projects/{project}/checklist{query}", Cancel);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Caller_from_another_organization_gets_404_for_the_item_list()
    {
        var setup = await SetUpAsync("tenant");
        var eve = await server.App.OnboardAsync("tenant-eve", "tenant evil org");

        var response = await eve.Client.GetAsync($"{setup.Checklist}/items", Cancel);
        var filtered = await eve.Client.GetAsync($"{setup.Checklist}?status=Done", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, filtered.StatusCode);
    }

    [Fact]
    public async Task OpenApi_documents_the_filter_and_paging_parameters()
    {
        var document = await server.App.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancel);
        var paths = document.GetProperty("paths");

        var checklist = paths.GetProperty("/api/v1/organizations/{orgId}/projects/{projectId}/checklist").GetProperty("get");
        var list = paths.GetProperty("/api/v1/organizations/{orgId}/projects/{projectId}/checklist/items").GetProperty("get");

        Assert.Equal("ListChecklistItems", list.GetProperty("operationId").GetString());
        Assert.Subset(Parameters(checklist), new HashSet<string> { "status", "assigneeUserId", "dueBefore", "overdue" });
        Assert.Subset(Parameters(list), new HashSet<string> { "status", "assigneeUserId", "dueBefore", "overdue", "limit", "cursor" });
        Assert.True(list.GetProperty("responses").TryGetProperty("400", out _));
        Assert.Contains(checklist.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "overdue" && p.TryGetProperty("description", out _));

        static HashSet<string> Parameters(JsonElement operation)
            => [.. operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)];
    }
}
