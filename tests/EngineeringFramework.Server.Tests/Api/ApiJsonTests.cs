using System.Text;
using System.Text.Json;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Projects;
using EngineeringFramework.Server.Api;
using EngineeringFramework.Server.Tests.Api.Support;
using Microsoft.Extensions.Options;
using static EngineeringFramework.Server.Tests.Api.Support.ApiTestKit;

namespace EngineeringFramework.Server.Tests.Api;

/// <summary>
/// The compile-time serializer of the checklist answers must write exactly what the API's configured serializer
/// writes for the same value: same names, enums by name, same escaping, nulls kept.
/// </summary>
public sealed class ApiJsonTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static ChecklistItemView Item(int order, ChecklistItemStatus status, string? notes, IReadOnlyList<string> links, Guid? assignee, DateOnly? due)
        => new(Guid.NewGuid(), $"item-{order}", $"Item «{order}» <b>\"quoted\"</b> & 🚀", order, order % 2 == 0, order % 3 == 0 ? "runbook" : null, status,
            status == ChecklistItemStatus.NotApplicable ? "No such component — n/a" : null, notes, assignee, due, links,
            new DateTime(2026, 11, 30, 23, 59, 58, 123, DateTimeKind.Utc).AddTicks(4567), order % 2 == 0 ? Guid.NewGuid() : null, order);

    private static ProjectChecklist Sample()
    {
        var items = new List<ChecklistItemView>
        {
            Item(1, ChecklistItemStatus.NotStarted, null, [], null, null),
            Item(2, ChecklistItemStatus.InProgress, "Line one\nline two\t<script>alert('x')</script>", ["https://example.com/a?b=c&d=e"], Guid.NewGuid(), new DateOnly(2027, 1, 31)),
            Item(3, ChecklistItemStatus.Done, "Ünïcödé ✓ \u2028 \\ back\\slash", ["https://example.com/1", "http://example.org/2"], Guid.NewGuid(), new DateOnly(2026, 12, 1)),
            Item(4, ChecklistItemStatus.NotApplicable, "", [], null, null),
        };
        var subcategory = new ChecklistSubcategoryView("threat-modelling", "Threat modelling", 1, items);
        return new ProjectChecklist(Guid.NewGuid(), "Payments \"v2\"", ProjectStatus.Active, null, [new ChecklistCategoryView("security", "Security & privacy", 1, [subcategory])]);
    }

    private JsonSerializerOptions ApiOptions
        => server.App.App.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    private async Task<string> ExecuteAsync<T>(JsonOk<T> result)
    {
        await using var scope = server.App.App.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await result.ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal(body.Length, context.Response.ContentLength);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public async Task A_checklist_is_written_byte_for_byte_as_the_configured_serializer_writes_it()
    {
        var checklist = Sample();

        var written = await ExecuteAsync(new JsonOk<ProjectChecklist>(checklist, ApiJson.Default.ProjectChecklist));

        Assert.Equal(JsonSerializer.Serialize(checklist, ApiOptions), written);
        Assert.Contains("\"status\":\"NotApplicable\"", written, StringComparison.Ordinal);
        Assert.Contains("\"frameworkVersionId\":null", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_of_items_is_written_byte_for_byte_as_the_configured_serializer_writes_it()
    {
        var checklist = Sample();
        var subcategory = checklist.Categories[0].Subcategories[0];
        var page = new ChecklistItemPage([.. subcategory.Items.Select(i => new ChecklistItemEntry("security", "Security & privacy", subcategory.Slug, subcategory.Name, i))], "next/cursor+=");

        var written = await ExecuteAsync(new JsonOk<ChecklistItemPage>(page, ApiJson.Default.ChecklistItemPage));

        Assert.Equal(JsonSerializer.Serialize(page, ApiOptions), written);
    }

    [Fact]
    public async Task Answers_written_one_after_another_never_carry_bytes_of_the_one_before()
    {
        // The serialization buffer is reused per thread: a small answer after a large (even oversized) one must be
        // exactly the small one.
        var large = Sample() with { ProjectName = new string('x', 2 * 1024 * 1024) };
        var small = Sample();

        var first = await ExecuteAsync(new JsonOk<ProjectChecklist>(large, ApiJson.Default.ProjectChecklist));
        var second = await ExecuteAsync(new JsonOk<ProjectChecklist>(small, ApiJson.Default.ProjectChecklist));
        var third = await ExecuteAsync(new JsonOk<ProjectChecklist>(small, ApiJson.Default.ProjectChecklist));

        Assert.Equal(JsonSerializer.Serialize(large, ApiOptions), first);
        Assert.Equal(JsonSerializer.Serialize(small, ApiOptions), second);
        Assert.Equal(second, third);
    }

    [Fact]
    public async Task The_checklist_route_answers_the_same_document_the_configured_serializer_would()
    {
        var admin = await server.App.OnboardAsync("json-admin", "JSON org");
        var project = await admin.CreateProjectAsync(await admin.CreateDepartmentAsync("Platform"), "Payments");

        var response = await admin.Client.GetAsync($"{OrgPath(admin.OrgId)}/projects/{project}/checklist", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        var roundTripped = JsonSerializer.Deserialize<ProjectChecklist>(text, ApiOptions);

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(JsonSerializer.Serialize(roundTripped, ApiOptions), text);
        Assert.Equal(project, roundTripped!.ProjectId);
        Assert.NotEmpty(roundTripped.Categories);
    }
}
