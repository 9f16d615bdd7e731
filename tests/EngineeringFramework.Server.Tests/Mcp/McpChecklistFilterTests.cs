using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace EngineeringFramework.Server.Tests.Mcp;

/// <summary><c>get_checklist</c>'s filters, and the shape of its one-pass structured result.</summary>
public sealed class McpChecklistFilterTests : IAsyncLifetime
{
    private TestApp app = null!;
    private McpClient client = null!;
    private Guid acme;
    private Guid project;
    private Guid doneItem;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        var created = await app.ApiClientFor("ada").PostAsJsonAsync("/api/v1/organizations", new { name = "Acme" }, Cancel);
        acme = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        Caller ada;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var userId = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == "ada").Select(u => u.Id).SingleAsync(Cancel);
            ada = new Caller(userId, Surface.Api);
        }

        // One scope per call, as one request each: a scope's authorizer catches up with permissions once.
        await InScopeAsync<McpAccessService, bool>(async s =>
        {
            await s.GrantAsync(ada, acme, new GrantMcpAccessRequest(ada.UserId), Cancel);
            return true;
        });
        var department = await InScopeAsync<DepartmentService, DepartmentSummary>(s => s.CreateAsync(ada, acme, new CreateDepartmentRequest("Platform"), Cancel));
        project = (await InScopeAsync<ProjectService, ProjectDetails>(s => s.CreateAsync(ada, acme, new CreateProjectRequest(department.Id, "Launch"), Cancel))).Project.Id;
        var first = (await InScopeAsync<ChecklistService, ProjectChecklist>(s => s.GetAsync(ada, acme, project, Cancel))).Categories[0].Subcategories[0].Items[0];
        doneItem = first.Id;
        await InScopeAsync<ChecklistService, ChecklistItemView>(s => s.UpdateItemAsync(ada, acme, project, first.Id, new UpdateChecklistItemRequest(first.Version, ChecklistItemStatus.Done, Notes: "Shipped."), Cancel));

        client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(app.BaseAddress, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + app.MintToken("ada", "ada@example.com", app.App.Services.GetRequiredService<Audiences>().Mcp) },
            }),
            cancellationToken: Cancel);
    }

    private async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async ValueTask DisposeAsync()
    {
        await client.DisposeAsync();
        await app.DisposeAsync();
    }

    private Task<CallToolResult> GetChecklistAsync(Dictionary<string, object?> filters)
        => client.CallToolAsync("get_checklist", new Dictionary<string, object?>(filters) { ["organization_id"] = acme, ["project_id"] = project }, cancellationToken: Cancel).AsTask();

    [Fact]
    public async Task Get_checklist_filters_by_status_and_overdue()
    {
        var done = await GetChecklistAsync(new() { ["status"] = "Done" });
        var open = await GetChecklistAsync(new() { ["status"] = "NotStarted" });
        var overdue = await GetChecklistAsync(new() { ["overdue"] = true });

        Assert.Equal([doneItem], Api.Support.ApiTestKit.ChecklistItems(done.StructuredContent!.Value).Select(i => i.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(doneItem, Api.Support.ApiTestKit.ChecklistItems(open.StructuredContent!.Value).Select(i => i.GetProperty("id").GetGuid()));
        Assert.NotEmpty(Api.Support.ApiTestKit.ChecklistItems(open.StructuredContent!.Value));
        Assert.Empty(Api.Support.ApiTestKit.ChecklistItems(overdue.StructuredContent!.Value));
    }

    [Fact]
    public async Task Structured_content_and_its_text_copy_are_the_same_json_and_compact_items_carry_no_detail_fields()
    {
        var compact = await GetChecklistAsync([]);
        var full = await GetChecklistAsync(new() { ["compact"] = false, ["status"] = "Done" });

        var text = Assert.Single(compact.Content.OfType<TextContentBlock>()).Text;
        Assert.Equal(compact.StructuredContent!.Value.GetRawText(), JsonDocument.Parse(text).RootElement.GetRawText());
        Assert.All(Api.Support.ApiTestKit.ChecklistItems(compact.StructuredContent!.Value), i =>
        {
            Assert.True(i.TryGetProperty("version", out _));
            Assert.False(i.TryGetProperty("notes", out _));
            Assert.False(i.TryGetProperty("updatedAt", out _));
        });
        var doneInFull = Assert.Single(Api.Support.ApiTestKit.ChecklistItems(full.StructuredContent!.Value));
        Assert.Equal("Shipped.", doneInFull.GetProperty("notes").GetString());
        Assert.True(doneInFull.TryGetProperty("updatedAt", out _));
    }

    [Fact]
    public async Task Get_checklist_still_advertises_its_output_schema()
    {
        var tool = (await client.ListToolsAsync(cancellationToken: Cancel)).Single(t => t.Name == "get_checklist").ProtocolTool;

        Assert.NotNull(tool.OutputSchema);
        Assert.True(tool.OutputSchema!.Value.GetProperty("properties").TryGetProperty("categories", out _));
        Assert.True(tool.InputSchema.GetProperty("properties").TryGetProperty("assignee_user_id", out _));
    }

    [Fact]
    public async Task A_bad_filter_is_a_tool_error_naming_it_as_the_tool_argument()
    {
        var result = await GetChecklistAsync(new() { ["assignee_user_id"] = Guid.Empty });

        Assert.True(result.IsError);
        Assert.Contains("assignee_user_id", string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
    }
}
