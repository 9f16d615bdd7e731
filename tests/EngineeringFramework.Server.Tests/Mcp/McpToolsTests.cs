using System.Net.Http.Json;
using System.Text.Json;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Departments;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Api.Support;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace EngineeringFramework.Server.Tests.Mcp;

/// <summary>Every tool through the SDK's own client against the real server: Ada is an admin of Acme with MCP access.</summary>
public sealed class McpToolsTests : IAsyncLifetime
{
    private TestApp app = null!;
    private McpClient ada = null!;
    private Guid acme;
    private Guid department;
    private Guid project;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await TestApp.StartAsync();
        acme = await OnboardAsync("ada", grantMcp: true);
        ada = await ConnectAsync("ada");
        department = await CreateDepartmentAsync("ada", acme, "Platform");
        var departments = await CallAsync(ada, "list_departments", new() { ["organization_id"] = acme });
        Assert.Equal(department, departments.GetProperty("items")[0].GetProperty("id").GetGuid());
        var created = await CallAsync(ada, "create_project", new() { ["organization_id"] = acme, ["department_id"] = department, ["name"] = "Launch", ["target_date"] = "2027-03-01" });
        project = created.GetProperty("project").GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        await ada.DisposeAsync();
        await app.DisposeAsync();
    }

    private async Task<Guid> OnboardAsync(string subject, bool grantMcp)
    {
        var response = await app.ApiClientFor(subject).PostAsJsonAsync("/api/v1/organizations", new { name = subject + " org" }, Cancel);
        var orgId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        if (grantMcp)
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.AuthSubject == subject, Cancel);
            await scope.ServiceProvider.GetRequiredService<McpAccessService>().GrantAsync(new Caller(user.Id, Surface.Api), orgId, new GrantMcpAccessRequest(user.Id), Cancel);
        }

        return orgId;
    }

    private async Task<Guid> UserIdAsync(string subject)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.AuthSubject == subject).Select(u => u.Id).SingleAsync(Cancel);
    }

    private async Task<Guid> CreateDepartmentAsync(string subject, Guid organization, string name)
    {
        var caller = new Caller(await UserIdAsync(subject), Surface.Api);
        await using var scope = app.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<DepartmentService>().CreateAsync(caller, organization, new CreateDepartmentRequest(name), Cancel)).Id;
    }

    /// <summary>Makes an existing user a plain member of <paramref name="organization"/> (membership and tuple), with or without MCP access there.</summary>
    private async Task JoinAsPlainMemberAsync(string subject, Guid organization, bool grantMcp)
    {
        await app.ApiClientFor(subject).GetAsync("/api/v1/me", Cancel);
        var user = await UserIdAsync(subject);
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(organization);
        db.Memberships.Add(new Membership { OrganizationId = organization, UserId = user, Role = MembershipRole.Member, CreatedAt = DateTime.UtcNow });
        var writer = scope.ServiceProvider.GetRequiredService<RelationshipWriter>();
        writer.Write(organization, Fga.Organization(organization), "member", Fga.User(user));
        if (grantMcp)
        {
            writer.Write(organization, Fga.McpServer(organization), "granted", Fga.User(user));
        }

        await db.SaveChangesAsync(Cancel);
    }

    private Task<McpClient> ConnectAsync(string subject) => McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + app.MintToken(subject, subject + "@example.com", app.App.Services.GetRequiredService<Audiences>().Mcp) },
        }),
        new McpClientOptions { ClientInfo = new Implementation { Name = "tests", Version = "1" } },
        cancellationToken: Cancel);

    private static async Task<JsonElement> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Cancel);
        Assert.True(result.IsError != true, $"{tool} failed: {string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text))}");
        Assert.NotEmpty(result.Content.OfType<TextContentBlock>());
        Assert.Equal(JsonValueKind.Object, result.StructuredContent!.Value.ValueKind);
        return result.StructuredContent!.Value;
    }

    private static async Task<string> ErrorOfAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Cancel);
        Assert.True(result.IsError);
        return string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
    }

    [Fact]
    public async Task Tools_are_listed_with_snake_case_names_schemas_and_annotations()
    {
        var tools = (await ada.ListToolsAsync(cancellationToken: Cancel)).ToDictionary(t => t.Name);

        Assert.Equal(
            ["apply_project_upgrade", "compare_framework_versions", "create_project", "export_checklist", "export_organization_report", "get_checklist", "get_checklist_item", "get_project", "get_sign_off_policy", "get_template",
                "list_departments", "list_framework_versions", "list_my_work", "list_projects", "list_sign_off_requests", "mark_item_reviewed", "preview_project_upgrade", "search", "search_framework", "update_checklist_item", "whoami"],
            tools.Keys.Order());
        Assert.All(tools.Values, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.True(tools["get_checklist"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.False(tools["create_project"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.False(tools["create_project"].ProtocolTool.Annotations!.IdempotentHint);
        Assert.True(tools["update_checklist_item"].ProtocolTool.Annotations!.DestructiveHint);
        var status = tools["update_checklist_item"].JsonSchema.GetProperty("properties").GetProperty("status");
        Assert.Contains("NotApplicable", status.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("organization_id", tools["get_project"].JsonSchema.GetProperty("required").GetRawText(), StringComparison.Ordinal);
        Assert.True(tools["export_checklist"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.Equal(["markdown", "csv"], tools["export_checklist"].JsonSchema.GetProperty("properties").GetProperty("format").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("format", tools["export_checklist"].JsonSchema.GetProperty("required").GetRawText(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadArguments => new()
    {
        // tool, arguments (JSON; {acme} and {project} are filled in), the words the error must contain
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","status":"InProgress"}""", "version: required" },
        { "create_project", """{"organization_id":"{acme}","name":"No department"}""", "department_id: required" },
        { "get_project", """{"organization_id":"not-a-guid","project_id":"{project}"}""", "organization_id" },
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","version":"seven"}""", "version" },
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","version":1,"status":"Finished"}""", "status" },
        { "create_project", """{"organization_id":"{acme}","department_id":"{project}","name":"Dated","target_date":"2027-13-45"}""", "target_date" },
        { "get_checklist", """{"organization_id":"{acme}","project_id":"{project}","compact":"yes"}""", "compact" },
        { "export_checklist", """{"organization_id":"{acme}","project_id":"{project}","format":"pdf"}""", "format" },
        { "export_checklist", """{"organization_id":"{acme}","project_id":"{project}"}""", "format: required" },
        // Numbers a .NET integer cannot hold, or JSON Schema's "integer" takes but the binding does not (1.0, 1e30).
        { "search_framework", """{"organization_id":"{acme}","query":"rollback","limit":99999999999}""", "limit: 99999999999 should be at most 50" },
        { "search_framework", """{"organization_id":"{acme}","query":"rollback","limit":0}""", "limit: 0 should be at least 1" },
        { "search", """{"organization_id":"{acme}","query":"rollback","limit":51}""", "limit: 51 should be at most 50" },
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","version":1e30}""", "version: 1e30 is not a whole number" },
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","version":2.0}""", "version: 2.0 is not a whole number" },
        { "update_checklist_item", """{"organization_id":"{acme}","project_id":"{project}","item_id":"{project}","version":9223372036854775808}""", "version: 9223372036854775808" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task A_missing_or_malformed_argument_is_named_in_the_tool_error_and_nothing_is_done(string tool, string arguments, string expected)
    {
        var before = await app.SnapshotAsync();
        var json = arguments.Replace("{acme}", acme.ToString(), StringComparison.Ordinal).Replace("{project}", project.ToString(), StringComparison.Ordinal);
        var parsed = JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!;

        var error = await ErrorOfAsync(ada, tool, parsed);

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("An error occurred invoking", error, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task The_all_zero_organization_id_is_an_unknown_organization()
    {
        var error = await ErrorOfAsync(ada, "list_projects", new() { ["organization_id"] = Guid.Empty });

        Assert.Contains("not found", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_stale_item_is_flagged_in_get_checklist_and_mark_item_reviewed_clears_it_recorded_as_the_agent()
    {
        var first = (await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project }))
            .GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0];
        var itemId = first.GetProperty("id").GetGuid();
        await Api.ChecklistsApiTests.MakeStaleAsync(app.App.Services, itemId);
        JsonElement Item(JsonElement checklist) => checklist.GetProperty("categories").EnumerateArray()
            .SelectMany(c => c.GetProperty("subcategories").EnumerateArray()).SelectMany(s => s.GetProperty("items").EnumerateArray())
            .Single(i => i.GetProperty("id").GetGuid() == itemId);

        var stale = Item(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project }));
        var reviewed = await CallAsync(ada, "mark_item_reviewed", new() { ["organization_id"] = acme, ["project_id"] = project, ["item_id"] = itemId, ["version"] = stale.GetProperty("version").GetInt64() });
        var after = Item(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project }));

        Assert.True(stale.GetProperty("stale").GetBoolean());
        Assert.Equal(("ReviewOverdue", 30), (stale.GetProperty("staleReason").GetString(), stale.GetProperty("reviewIntervalDays").GetInt32()));
        Assert.False(reviewed.GetProperty("stale").GetBoolean());
        Assert.False(after.TryGetProperty("stale", out _));
        Assert.Equal("Done", after.GetProperty("status").GetString());
        await using var scope = app.App.Services.CreateAsyncScope();
        var entry = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ActivityEntries.BypassTenantFilter()
            .SingleAsync(a => a.ChecklistItemId == itemId && a.Action == ItemReviewService.ReviewedAction, Cancel);
        Assert.Equal(Surface.Mcp, entry.Surface);
    }

    [Fact]
    public async Task Checklist_is_read_compactly_and_an_item_is_updated_with_its_version()
    {
        var checklist = await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project });
        var item = checklist.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0];
        var itemId = item.GetProperty("id").GetGuid();
        var details = await CallAsync(ada, "get_checklist_item", new() { ["organization_id"] = acme, ["project_id"] = project, ["item_id"] = itemId });

        var updated = await CallAsync(ada, "update_checklist_item", new()
        {
            ["organization_id"] = acme,
            ["project_id"] = project,
            ["item_id"] = itemId,
            ["version"] = item.GetProperty("version").GetInt64(),
            ["status"] = "InProgress",
            ["evidence_link"] = "https://example.com/charter",
        });
        var stale = await ErrorOfAsync(ada, "update_checklist_item", new() { ["organization_id"] = acme, ["project_id"] = project, ["item_id"] = itemId, ["version"] = item.GetProperty("version").GetInt64(), ["status"] = "InProgress" });

        Assert.False(checklist.GetProperty("categories")[0].TryGetProperty("slug", out _));
        Assert.Contains("## What it means", details.GetProperty("definitionMarkdown").GetString(), StringComparison.Ordinal);
        Assert.Equal("InProgress", updated.GetProperty("status").GetString());
        Assert.Equal("https://example.com/charter", updated.GetProperty("evidenceLinks")[0].GetString());
        Assert.Contains("Stale version", stale, StringComparison.Ordinal);
        await using var scope = app.App.Services.CreateAsyncScope();
        var activity = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ActivityEntries.BypassTenantFilter().SingleAsync(a => a.ChecklistItemId == itemId, Cancel);
        Assert.Equal(Surface.Mcp, activity.Surface);
        Assert.False(string.IsNullOrEmpty(activity.Client));
    }

    [Fact]
    public async Task A_checklist_exports_as_markdown_or_csv_text_and_another_organizations_project_is_not_found()
    {
        var markdown = await TextOfAsync(ada, "export_checklist", new() { ["organization_id"] = acme, ["project_id"] = project, ["format"] = "markdown" });
        var csv = await TextOfAsync(ada, "export_checklist", new() { ["organization_id"] = acme, ["project_id"] = project, ["format"] = "csv" });
        var eveOrg = await OnboardAsync("eve", grantMcp: true);
        await using var eve = await ConnectAsync("eve");
        var byOurOrg = await ErrorOfAsync(eve, "export_checklist", new() { ["organization_id"] = acme, ["project_id"] = project, ["format"] = "csv" });
        var byTheirOrg = await ErrorOfAsync(eve, "export_checklist", new() { ["organization_id"] = eveOrg, ["project_id"] = project, ["format"] = "csv" });

        Assert.StartsWith("# Checklist: Launch\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| Target date | 2027-03-01 |", markdown, StringComparison.Ordinal);
        Assert.StartsWith("Category,Subcategory,Item slug,Item name,Required,Status,", csv, StringComparison.Ordinal);
        Assert.Contains("not found", byOurOrg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not found", byTheirOrg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_organization_report_is_csv_text_with_each_projects_overall_row_and_another_organization_is_not_found()
    {
        var report = await TextOfAsync(ada, "export_organization_report", new() { ["organization_id"] = acme });
        await OnboardAsync("eve", grantMcp: true);
        await using var eve = await ConnectAsync("eve");
        var refused = await ErrorOfAsync(eve, "export_organization_report", new() { ["organization_id"] = acme });

        Assert.StartsWith("Department,Project,Project status,Category,Required,Done,Not applicable,Percent\r\n", report, StringComparison.Ordinal);
        Assert.Contains(",Launch,Active,(all),", report, StringComparison.Ordinal);
        Assert.Contains("not found", refused, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Launch", refused, StringComparison.Ordinal);
    }

    /// <summary>A tool whose answer is a document: its text content, with no structured copy.</summary>
    private static async Task<string> TextOfAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Cancel);
        var text = string.Join(string.Empty, result.Content.OfType<TextContentBlock>().Select(c => c.Text));
        Assert.True(result.IsError != true, $"{tool} failed: {text}");
        Assert.Null(result.StructuredContent);
        return text;
    }

    [Fact]
    public async Task Project_progress_templates_and_search_are_readable()
    {
        var projectDetails = await CallAsync(ada, "get_project", new() { ["organization_id"] = acme, ["project_id"] = project });
        var projects = await CallAsync(ada, "list_projects", new() { ["organization_id"] = acme, ["status"] = "Active" });
        var hits = await CallAsync(ada, "search_framework", new() { ["organization_id"] = acme, ["query"] = "threat model" });
        var found = await CallAsync(ada, "search", new() { ["organization_id"] = acme, ["query"] = "threat mod" });
        Assert.Contains(found.GetProperty("results").EnumerateArray(), r => r.GetProperty("kind").GetString() == "Definition" && r.GetProperty("itemSlug").GetString() == "threat-model-completed");
        Assert.Contains(found.GetProperty("results")[0].GetProperty("titleFragments").EnumerateArray(), f => f.GetProperty("match").GetBoolean());
        Assert.Contains("query: 'Query' must contain a word", await ErrorOfAsync(ada, "search", new() { ["organization_id"] = acme, ["query"] = "*** \"\"" }), StringComparison.Ordinal);
        var templateSlug = hits.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("templateSlug").GetString()).First(s => s is not null);
        var template = await CallAsync(ada, "get_template", new() { ["organization_id"] = acme, ["template_slug"] = templateSlug });

        Assert.True(projectDetails.GetProperty("progress").GetProperty("required").GetInt32() > 0);
        Assert.Contains(projects.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == project);
        Assert.NotEmpty(hits.GetProperty("items").EnumerateArray());
        Assert.Contains(hits.GetProperty("items").EnumerateArray(), h => h.GetProperty("excerpt").GetString()?.Contains("threat", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Contains("{{", template.GetProperty("markdown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_project_is_not_found()
    {
        var eveOrg = await OnboardAsync("eve", grantMcp: true);
        await using var eve = await ConnectAsync("eve");

        var byTheirOrg = await ErrorOfAsync(eve, "get_project", new() { ["organization_id"] = eveOrg, ["project_id"] = project });
        var byOurOrg = await ErrorOfAsync(eve, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project });

        Assert.Contains("not found", byTheirOrg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not found", byOurOrg, StringComparison.OrdinalIgnoreCase);
    }

    /// <remarks>
    /// The MCP grant is per organization: a grant in one organization lets a connection in, but every tool asks again
    /// for the organization it names. Ben may view Acme as a member (the REST API and the web app show it to him), so
    /// only that per-organization check stands between his agent and Acme's data.
    /// </remarks>
    [Fact]
    public async Task Grant_in_one_organization_opens_no_tool_on_another_where_the_user_is_only_a_member()
    {
        var bens = await OnboardAsync("ben", grantMcp: true);
        await JoinAsPlainMemberAsync("ben", acme, grantMcp: false);
        var benDepartment = await CreateDepartmentAsync("ben", bens, "Tooling");
        await using var ben = await ConnectAsync("ben");
        var benProject = (await CallAsync(ben, "create_project", new() { ["organization_id"] = bens, ["department_id"] = benDepartment, ["name"] = "Rollout" }))
            .GetProperty("project").GetProperty("id").GetGuid();
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var asBen = new Caller(await UserIdAsync("ben"), Surface.Api);
            Assert.True(await scope.ServiceProvider.GetRequiredService<Authorizer>().CheckAsync(asBen, "can_view", Fga.Organization(acme), Cancel));
        }

        var inAcme = await ArgumentsAsync(ada, acme, department, project);
        var inBens = await ArgumentsAsync(ben, bens, benDepartment, benProject);
        var whoami = await CallAsync(ben, "whoami", []);
        var listed = await ben.ListToolsAsync(cancellationToken: Cancel);
        var tools = listed
            .Select(t => (t.Name, Required: t.JsonSchema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToList() : []))
            .Where(t => t.Required.Contains("organization_id"))
            .ToList();

        Assert.Equal([bens], whoami.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
        // Every tool but whoami names its organization, so the loop below reaches every tool there is.
        Assert.Equal(listed.Select(t => t.Name).Where(n => n != "whoami").Order(), tools.Select(t => t.Name).Order());
        foreach (var (tool, required) in tools)
        {
            var refused = await ben.CallToolAsync(tool, Arguments(tool, required, inAcme), cancellationToken: Cancel);
            var text = string.Join(" ", refused.Content.OfType<TextContentBlock>().Select(c => c.Text));
            Assert.True(refused.IsError == true, $"{tool} on Acme answered a user without Acme's MCP grant: {text[..Math.Min(text.Length, 200)]}");
            Assert.True(text.Contains("not found", StringComparison.OrdinalIgnoreCase), $"{tool} on Acme should be not found, but was: {text}");

            // The same call in his own organization, where he holds the grant, works (an upgrade to the version the
            // project is already at reaches the use case, which refuses it as such).
            if (tool == "apply_project_upgrade")
            {
                Assert.Contains("already at this framework version", await ErrorOfAsync(ben, tool, Arguments(tool, required, inBens)), StringComparison.Ordinal);
            }
            else if (tool == "mark_item_reviewed")
            {
                // His item is not Done (an agent's Done waits for a person), so the use case refuses it past the permission check.
                Assert.DoesNotContain("not found", await ErrorOfAsync(ben, tool, Arguments(tool, required, inBens)), StringComparison.OrdinalIgnoreCase);
            }
            else if (listed.Single(t => t.Name == tool).ProtocolTool.OutputSchema is null && tool != "whoami")
            {
                await TextOfAsync(ben, tool, Arguments(tool, required, inBens));
            }
            else
            {
                await CallAsync(ben, tool, Arguments(tool, required, inBens));
            }
        }

        var resource = $"engineering-framework://organizations/{acme}/definitions/threat-model-completed";
        var unreadable = await Assert.ThrowsAnyAsync<McpException>(async () => await ben.ReadResourceAsync(resource, cancellationToken: Cancel));
        Assert.Contains("not found", unreadable.Message, StringComparison.OrdinalIgnoreCase);
        var own = await ben.ReadResourceAsync($"engineering-framework://organizations/{bens}/definitions/threat-model-completed", cancellationToken: Cancel);
        Assert.Contains("## Why it matters", Assert.IsType<TextResourceContents>(Assert.Single(own.Contents)).Text, StringComparison.Ordinal);

        // Nothing was written in Acme: no project of Ben's, the item untouched, no activity of his.
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(acme);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var benId = await UserIdAsync("ben");
            Assert.Equal([project], await db.Projects.Select(p => p.Id).ToListAsync(Cancel));
            Assert.Equal(inAcme["version"], (await db.ChecklistItems.SingleAsync(i => i.Id == (Guid)inAcme["item_id"]!, Cancel)).Version);
            Assert.False(await db.ActivityEntries.AnyAsync(a => a.UserId == benId, Cancel));
        }
    }

    /// <summary>A value for every argument a tool may require, from <paramref name="organization"/>'s own data as <paramref name="client"/> reads it.</summary>
    private static async Task<Dictionary<string, object?>> ArgumentsAsync(McpClient client, Guid organization, Guid departmentId, Guid projectId)
    {
        var checklist = await CallAsync(client, "get_checklist", new() { ["organization_id"] = organization, ["project_id"] = projectId });
        var item = checklist.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0];
        var hits = await CallAsync(client, "search_framework", new() { ["organization_id"] = organization, ["query"] = "threat model" });
        var version = (await CallAsync(client, "get_project", new() { ["organization_id"] = organization, ["project_id"] = projectId }))
            .GetProperty("project").GetProperty("frameworkVersionId").GetGuid();
        return new()
        {
            ["from_version_id"] = version,
            ["to_version_id"] = version,
            ["organization_id"] = organization,
            ["department_id"] = departmentId,
            ["project_id"] = projectId,
            ["item_id"] = item.GetProperty("id").GetGuid(),
            ["version"] = item.GetProperty("version").GetInt64(),
            ["template_slug"] = hits.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("templateSlug").GetString()).First(s => s is not null),
            ["query"] = "threat model",
            ["name"] = "Agent's project",
            ["format"] = "markdown",
        };
    }

    private static Dictionary<string, object?> Arguments(string tool, IReadOnlyList<string> required, Dictionary<string, object?> values)
    {
        var missing = required.Where(r => !values.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, $"{tool} requires {string.Join(", ", missing)}; give ArgumentsAsync a value for it.");
        var arguments = required.ToDictionary(r => r, r => values[r]);
        if (tool == "update_checklist_item")
        {
            arguments["status"] = "Done";
        }

        return arguments;
    }

    [Fact]
    public async Task An_agent_lists_versions_compares_them_previews_and_applies_a_project_upgrade()
    {
        var items = ApiTestKit.ChecklistItems(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project })).ToList();
        var dropped = items[1].GetProperty("id").GetGuid();
        string slug;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            slug = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChecklistItems.BypassTenantFilter().Where(i => i.Id == dropped).Select(i => i.ItemSlug).SingleAsync(Cancel);
        }

        var edited = await SystemFrameworkEdit.ImportAsync(app, without: slug);

        var versions = await CallAsync(ada, "list_framework_versions", new() { ["organization_id"] = acme });
        var from = versions.GetProperty("versions")[1].GetProperty("id").GetGuid();
        var diff = await CallAsync(ada, "compare_framework_versions", new() { ["organization_id"] = acme, ["from_version_id"] = from, ["to_version_id"] = edited });
        var preview = await CallAsync(ada, "preview_project_upgrade", new() { ["organization_id"] = acme, ["project_id"] = project });
        var applied = await CallAsync(ada, "apply_project_upgrade", new() { ["organization_id"] = acme, ["project_id"] = project, ["to_version_id"] = edited });
        var again = await ErrorOfAsync(ada, "apply_project_upgrade", new() { ["organization_id"] = acme, ["project_id"] = project, ["to_version_id"] = edited });

        Assert.Equal(edited, versions.GetProperty("versions")[0].GetProperty("id").GetGuid());
        Assert.Equal("+0 items, \u22121, 0 changed", diff.GetProperty("diff").GetProperty("summary").GetString());
        Assert.Equal((edited, 1), (preview.GetProperty("to").GetProperty("id").GetGuid(), preview.GetProperty("retired").GetInt32()));
        Assert.Equal(1, applied.GetProperty("retired").GetInt32());
        Assert.Contains("already at this framework version", again, StringComparison.Ordinal);
        var after = ApiTestKit.ChecklistItems(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project })).ToList();
        Assert.True(after.Single(i => i.GetProperty("id").GetGuid() == dropped).GetProperty("retired").GetBoolean());
        Assert.False(after.First(i => i.GetProperty("id").GetGuid() != dropped).TryGetProperty("retired", out _));
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.NotNull((await db.ChecklistItems.BypassTenantFilter().SingleAsync(i => i.Id == dropped, Cancel)).RetiredAt);
            var recorded = await db.ActivityEntries.BypassTenantFilter().SingleAsync(a => a.ProjectId == project && a.Action == "project.framework_upgraded", Cancel);
            Assert.Equal(Surface.Mcp, recorded.Surface);
        }
    }

    [Fact]
    public async Task An_agents_Done_waits_for_a_person_who_confirms_it_over_REST_and_a_sent_back_request_reaches_the_agent_with_its_comment()
    {
        var items = ApiTestKit.ChecklistItems(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project })).ToList();
        var whoami = await CallAsync(ada, "whoami", []);
        var policy = await CallAsync(ada, "get_sign_off_policy", new() { ["organization_id"] = acme });
        var Update = (JsonElement item, string status, string? reason) => CallAsync(ada, "update_checklist_item", new()
        {
            ["organization_id"] = acme,
            ["project_id"] = project,
            ["item_id"] = item.GetProperty("id").GetGuid(),
            ["version"] = item.GetProperty("version").GetInt64(),
            ["status"] = status,
            ["not_applicable_reason"] = reason,
            ["notes"] = "Drafted by the agent.",
            ["rationale"] = "Every section is filled in; see the linked document.",
        });

        var asked = await Update(items[0], "Done", null);
        var alsoAsked = await Update(items[1], "NotApplicable", "No user data.");
        var waiting = await CallAsync(ada, "list_sign_off_requests", new() { ["organization_id"] = acme, ["project_id"] = project });
        var compact = ApiTestKit.ChecklistItems(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project })).ToList();

        Assert.Equal(["NotStarted", "InProgress"], whoami.GetProperty("organizations")[0].GetProperty("agentsMaySetAlone").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["Done", "NotApplicable"], whoami.GetProperty("organizations")[0].GetProperty("needConfirmation").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["Done", "NotApplicable"], policy.GetProperty("needConfirmation").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(("NotStarted", "Done", "Drafted by the agent."), (asked.GetProperty("status").GetString(), asked.GetProperty("awaitingConfirmation").GetString(), asked.GetProperty("notes").GetString()));
        Assert.Equal("NotApplicable", alsoAsked.GetProperty("awaitingConfirmation").GetString());
        Assert.Equal("Done", compact[0].GetProperty("awaitingConfirmation").GetString());
        var requests = waiting.GetProperty("requests").EnumerateArray().ToDictionary(r => r.GetProperty("itemId").GetGuid());
        Assert.Equal(2, requests.Count);
        Assert.Equal("Every section is filled in; see the linked document.", requests[items[0].GetProperty("id").GetGuid()].GetProperty("rationale").GetString());

        // A person decides over REST: one confirmed, one sent back; an agent cannot decide its own request.
        var rest = app.ApiClientFor("ada");
        var path = $"{ApiTestKit.OrgPath(acme)}/sign-off-requests";
        var done = requests[items[0].GetProperty("id").GetGuid()].GetProperty("id").GetGuid();
        var notApplicable = requests[items[1].GetProperty("id").GetGuid()].GetProperty("id").GetGuid();
        var noComment = await rest.PostAsJsonAsync($"{path}/{notApplicable}/send-back", new { comment = "" }, Cancel);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, noComment.StatusCode);
        Assert.Contains("comment", await noComment.Content.ReadAsStringAsync(Cancel), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rest.PostAsJsonAsync($"{path}/{done}/confirm", new { }, Cancel)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rest.PostAsJsonAsync($"{path}/{notApplicable}/send-back", new { comment = "It stores emails: map them first." }, Cancel)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await rest.PostAsJsonAsync($"{path}/{done}/confirm", new { }, Cancel)).StatusCode);

        var sentBack = await CallAsync(ada, "list_sign_off_requests", new() { ["organization_id"] = acme, ["state"] = "SentBack" });
        var after = ApiTestKit.ChecklistItems(await CallAsync(ada, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project, ["compact"] = false })).ToList();
        Assert.Equal("It stores emails: map them first.", sentBack.GetProperty("requests")[0].GetProperty("comment").GetString());
        Assert.Equal("Done", after[0].GetProperty("status").GetString());
        Assert.Equal("NotStarted", after[1].GetProperty("status").GetString());
        Assert.False(after[0].TryGetProperty("awaitingConfirmation", out _));
        Assert.False(after[1].TryGetProperty("awaitingConfirmation", out _));

        // Under a permissive policy (set by the admin over REST), the agent's Done applies at once.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rest.PutAsJsonAsync($"{ApiTestKit.OrgPath(acme)}/agent-policy", new { agentsMaySetAlone = new[] { "NotStarted", "InProgress", "Done" } }, Cancel)).StatusCode);
        var direct = await Update(after[2], "Done", null);
        Assert.Equal("Done", direct.GetProperty("status").GetString());
        Assert.True(!direct.TryGetProperty("awaitingConfirmation", out var none) || none.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Member_without_checklist_permission_cannot_update_an_item()
    {
        // Ben joins Acme as a plain member with MCP access but no role granting checklist updates.
        await JoinAsPlainMemberAsync("ben", acme, grantMcp: true);

        await using var benClient = await ConnectAsync("ben");
        var checklist = await CallAsync(benClient, "get_checklist", new() { ["organization_id"] = acme, ["project_id"] = project });
        var item = checklist.GetProperty("categories")[0].GetProperty("subcategories")[0].GetProperty("items")[0];

        var refused = await ErrorOfAsync(benClient, "update_checklist_item", new() { ["organization_id"] = acme, ["project_id"] = project, ["item_id"] = item.GetProperty("id").GetGuid(), ["version"] = item.GetProperty("version").GetInt64(), ["status"] = "Done" });

        Assert.Contains("Not allowed", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_names_the_field()
    {
        var error = await ErrorOfAsync(ada, "search_framework", new() { ["organization_id"] = acme, ["query"] = "x" });

        Assert.Contains("query", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resources_and_prompts_are_offered()
    {
        var templates = await ada.ListResourceTemplatesAsync(cancellationToken: Cancel);
        var prompts = await ada.ListPromptsAsync(cancellationToken: Cancel);
        var definition = await ada.ReadResourceAsync($"engineering-framework://organizations/{acme}/definitions/threat-model-completed", cancellationToken: Cancel);

        Assert.Contains(templates, t => t.UriTemplate.Contains("/templates/{templateSlug}", StringComparison.Ordinal));
        Assert.Contains(prompts, p => p.Name == "draft_item_document");
        Assert.Contains(prompts, p => p.Name == "readiness_review");
        Assert.Contains("## Why it matters", Assert.IsType<TextResourceContents>(Assert.Single(definition.Contents)).Text, StringComparison.Ordinal);
    }
}
